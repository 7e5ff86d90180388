using System.Text;
using Relance.Cli.Dossier;
using Relance.CorrespondenceService.Writing;
using Relance.Tests.Shared;
using static Relance.Audit.Tests.DossierExamples;

namespace Relance.Audit.Tests;

/// <summary>The lawyer's summary, read back from its PDF with PdfPig.</summary>
[Trait("Category", "Unit")]
public sealed class DossierSummaryTests
{
    static readonly DateTimeOffset BuiltAt = new(2026, 5, 18, 9, 30, 0, TimeSpan.Zero);

    static string Text(CaseFile file) => PdfText.Flat(SummaryPdf.Render(file, BuiltAt));

    static string Money(decimal amount) => PdfText.Flat(French.Money(amount, "EUR"));

    [Fact]
    public void It_names_the_creditor_the_debtor_and_the_invoice_with_what_is_owed_on_it()
    {
        var text = Text(File(new(2026, 5, 18)));
        Assert.Contains("ACME SAS 1 place de l'Exemple 69002 Lyon", text);
        Assert.Contains("Dupont SAS 12 rue des Lilas 69003 Lyon", text);
        Assert.Contains("SIREN : 732829320", text);
        Assert.Contains($"F-1 02/03/2026 01/04/2026 {Money(1200m)} {Money(0m)} {Money(1200m)} impayée", text);
    }

    [Theory]
    [InlineData("2026-05-18")] // 47 days late, all in the first half of 2026
    [InlineData("2026-09-30")] // across the 1 July change of half-year
    public void The_penalty_printed_is_the_late_payment_law_s_and_simple_interest_at_the_ecb_rate_plus_ten_points(string day)
    {
        var at = DateOnly.Parse(day);
        var file = File(at);
        var text = Text(file);

        var days = at.DayNumber - Due.DayNumber;
        // Computed here, independently: 1,200 € × 12.15 % × days / 365 (ECB 2.15 % + 10 points in both halves of 2026).
        var expected = Math.Round(1200m * 12.15m / 100m * days / 365m, 2, MidpointRounding.AwayFromZero);
        Assert.Equal(expected, Law.Penalty(1200m, Due, at, null).Amount);
        Assert.Equal(expected, file.Invoices.Single().Penalty.Amount);
        Assert.Contains($"F-1 {Money(1200m)} {days} 12,15 % {Money(expected)} {Money(40m)}", text);
        Assert.Contains($"Total réclamé au {French.Date(at)} : {Money(1200m + expected + 40m)}", text);
    }

    [Fact]
    public void It_gives_the_chronology_with_paris_dates_and_times_the_postal_proofs_and_the_formal_notice_s_deadline()
    {
        var text = Text(File(new(2026, 5, 28)));
        Assert.Contains("06/04/2026 à 08h00 : email-reminder, e-mail (F-1) : envoyée à factures@dupont.test ; pièce documents/2026-04-06_email-reminder_email_11111111.eml.", text);
        Assert.Contains($"14/05/2026 à 10h00 : formal-notice, lettre recommandée avec accusé de réception (F-1)", text);
        Assert.Contains($"n° de suivi {Tracking} ; posté le 14/05/2026 ; accusé de réception signé le 16/05/2026", text);
        Assert.Contains($"SHA-256 {new string('a', 64)}", text);
        Assert.Contains("promesse de paiement : 1 200,00 € au plus tard le 20/04/2026", text);
        Assert.Contains("Mise en demeure envoyée le 14/05/2026 à 10h00 par lettre recommandée avec accusé de réception, n° de suivi 1A01234567890", text);
        Assert.Contains("reçue le 16/05/2026 (accusé de réception signé) ; délai de paiement accordé : 8 jours, jusqu'au 24/05/2026 inclus : délai expiré", text);
    }

    [Fact]
    public void It_lists_every_other_file_s_sha256_and_runs_on_numbered_pages()
    {
        var file = File(new(2026, 5, 18), eventFiles: 60);
        var pages = PdfText.Pages(SummaryPdf.Render(file, BuiltAt));
        var text = PdfText.Flat(string.Join("\n", pages.SelectMany(p => p)));

        Assert.True(pages.Count >= 2, $"{pages.Count} page(s)");
        for (var n = 0; n < pages.Count; n++)
            Assert.Equal($"Dossier ACME/C-1/EUR au 18/05/2026 : page {n + 1}/{pages.Count}", pages[n][^1]);
        Assert.All(file.Files, f => Assert.Contains($"{f.Name} ({f.Length:N0} octets) : {f.Sha256}".Replace(",", " "), text));
    }

    [Fact]
    public void The_same_file_gives_the_same_bytes_and_another_date_other_bytes()
    {
        var first = SummaryPdf.Render(File(new(2026, 5, 18)), BuiltAt);
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(first, 0, 5));
        Assert.Equal(first, SummaryPdf.Render(File(new(2026, 5, 18)), BuiltAt));
        Assert.NotEqual(first, SummaryPdf.Render(File(new(2026, 5, 19)), BuiltAt));
    }
}
