using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Writing;

namespace Relance.Correspondence.Tests;

/// <summary>The requests the tests write: one debtor, two overdue invoices, the claims a sender computed on them.</summary>
static class Examples
{
    public static readonly Guid ReminderId = Guid.Parse("5b8e2c1a-3f4d-4e6a-9b7c-1d2e3f4a5b6c");
    public static readonly DateOnly AsOf = new(2026, 11, 23);

    public static readonly ChasedInvoice F1 = new("F-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR");
    public static readonly ChasedInvoice F2 = new("F-2", new(2026, 10, 15), new(2026, 11, 14), 345.5m, "EUR");

    public static readonly Claim OnF1 = new("F-1", 23, 12.15m, "taux BCE majoré de 10 points, 2e semestre 2026", 9.19m, "EUR", 40m, "EUR");
    public static readonly Claim OnF2 = new("F-2", 9, 12.15m, "taux BCE majoré de 10 points, 2e semestre 2026", 1.03m, "EUR", 40m, "EUR");

    public static readonly PostalAddress Paris = new(["Bâtiment B", "12 rue de la Paix"], "75002", "Paris", "France");

    // Paris is UTC+2 until 25/10/2026, UTC+1 after: 09h00 and 10h30 there.
    public static readonly PreviousAction Courtesy = new("courtesy-reminder-1", "email", new(2026, 10, 21, 7, 0, 0, TimeSpan.Zero));
    public static readonly PreviousAction Call = new("first-call", "phone", new(2026, 11, 4, 9, 30, 0, TimeSpan.Zero));

    public static readonly Letterhead Acme = new("ACME SAS", "Service recouvrement", "recouvrement@acme.example", ["1 place de l'Exemple", "69002 Lyon"]);

    /// <summary>A creditor as an email names it: no postal address configured.</summary>
    public static Letterhead ByEmail(string creditor) => new(creditor, "Service recouvrement", "", []);

    public static CorrespondenceRequested Request(string step, string tone, string channel = Channels.Email) =>
        new(ReminderId, "ACME/C1/EUR", "ACME", step, channel,
            new Recipient("C1", "Dupont <SARL>", "compta@dupont.fr")
            {
                ContactName = "Mme Martin",
                PostalAddress = Paris,
                AccountManagerEmail = "commercial@acme.example",
            },
            [F2, F1], AsOf, new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero))
        {
            Level = 5,
            Tone = tone,
            PaymentDeadlineDays = 15,
            Claims = [OnF2, OnF1],
            PreviousActions = [Call, Courtesy],
        };

    public static CorrespondenceRequested ReminderLetter(string channel = Channels.Email) => Request("reminder-letter", Tones.Firm, channel);
    public static CorrespondenceRequested WarningLetter(string channel = Channels.Letter) => Request("warning-letter", Tones.Firm, channel);
    public static CorrespondenceRequested FormalNotice(string channel = Channels.RegisteredLetter) =>
        Request("formal-notice", Tones.Formal, channel) with { PaymentDeadlineDays = 8 };

    /// <summary>fr-FR groups thousands with a narrow no-break space: compare with plain spaces.</summary>
    public static string Normalised(string text) => text.Replace('\u202F', ' ').Replace('\u00A0', ' ');
}
