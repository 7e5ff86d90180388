using Microsoft.Extensions.Configuration;
using Relance.Cli.Dossier;
using Relance.InvoiceService.Invoices;
using Relance.ReminderService.LatePayment;

namespace Relance.Audit.Tests;

/// <summary>The formal-notice case as a litigation file states it: Dupont SAS owes ACME SAS the 1,200 € of F-1, due 1 April 2026.</summary>
static class DossierExamples
{
    /// <summary>The rates the Reminder service ships (late-payment-law.json, copied next to the tool).</summary>
    public static readonly LatePaymentLaw Law = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "late-payment-law.json")).Build()
        .GetSection("LatePaymentLaw").Get<LatePaymentLaw>()!;

    public static readonly DateOnly Due = new(2026, 4, 1);
    // 10h00 in Paris (UTC+2 in May).
    public static readonly DateTimeOffset NoticeSent = new(2026, 5, 14, 8, 0, 0, TimeSpan.Zero);
    public const string Tracking = "1A01234567890";
    public const string NoticeDocument = "documents/2026-05-14_formal-notice_registered-letter_5b8e2c1a.pdf";

    public static readonly InvoiceIssued F1 = new("ACME", "F-1", new InvoiceCustomer("C-1", "Dupont SAS", "factures@dupont.test"),
        new(2026, 3, 2), Due, 1000m, 1200m, "EUR", new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public static Invoice Folded(params object[] events) => events.Aggregate((Invoice?)null, InvoiceEvolution.Evolve)!;

    public static CaseFile File(DateOnly at, int eventFiles = 3) => new(
        "ACME/C-1/EUR", at, "EUR",
        new Creditor("ACME", "ACME SAS", ["1 place de l'Exemple", "69002 Lyon"], "configuration Correspondence:Sender du service Correspondence (appsettings.json)"),
        new Debtor("C-1", "Dupont SAS", "732829320", ["12 rue des Lilas", "69003 Lyon"], new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)),
        [CaseFileReader.Claimed(Folded(F1), F1, at, Law)],
        [
            new(new(2026, 4, 6, 6, 0, 0, TimeSpan.Zero), "email-reminder", "email", "envoyée à factures@dupont.test", ["F-1"], "documents/2026-04-06_email-reminder_email_11111111.eml"),
            new(new(2026, 5, 14, 7, 55, 0, TimeSpan.Zero), "formal-notice", null, "approuvée par manager@acme.test", [], null),
            new(NoticeSent, "formal-notice", "registered-letter", "adressée à Dupont SAS, 12 rue des Lilas, 69003 Lyon", ["F-1"], NoticeDocument),
        ],
        [
            new(NoticeDocument, "formal-notice", "registered-letter", new string('a', 64), NoticeSent, Tracking, new(2026, 5, 14), null, new(2026, 5, 16), null, []),
        ],
        [new(new(2026, 4, 10, 12, 0, 0, TimeSpan.Zero), "promesse de paiement", "1 200,00 € au plus tard le 20/04/2026 (F-1), enregistrée par carla@acme.test")],
        new FormalNotice(NoticeSent, "registered-letter", NoticeDocument, 8, Tracking, new(2026, 5, 14), new(2026, 5, 16), "accusé de réception signé", new(2026, 5, 24)),
        [.. Enumerable.Range(1, eventFiles).Select(n => new FileHash($"events/correspondence/stream-{n:000}.json", $"{n:x64}", 1000 + n))]);
}
