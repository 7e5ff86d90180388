using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.CorrespondenceService.Email;

namespace Relance.CorrespondenceBenchmarks;

/// <summary>What is measured: a formal notice (and a reminder email) for five overdue invoices, with their claims.</summary>
static class Samples
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public static readonly SenderIdentity Sender = new()
    {
        Name = "Service recouvrement",
        Email = "recouvrement@acme.example",
        Companies = new() { ["ACME"] = "ACME SAS" },
        Addresses = new() { ["ACME"] = ["ACME SAS", "1 place de l'Exemple", "69002 Lyon"] },
    };

    static readonly ChasedInvoice[] Invoices =
    [
        .. Enumerable.Range(1, 5).Select(i => new ChasedInvoice($"F-2026-0{i}41", new(2026, 8, i * 5), new(2026, 9, i * 5), 1_000m * i + 245.37m, "EUR")),
    ];

    public static CorrespondenceRequested FormalNotice(Guid reminderId, string channel) =>
        new(reminderId, "ACME/C-1042/EUR", "ACME", "formal-notice", channel,
            new Recipient("C-1042", "Dupont Bâtiment SARL", "compta@dupont-batiment.example")
            {
                ContactName = "Mme Martin, directrice financière",
                PostalAddress = new(["Bâtiment B", "12 rue de la Paix"], "75002", "Paris", "France"),
            },
            [.. Invoices], DateOnly.FromDateTime(Now.Date), Now)
        {
            Level = 6,
            Tone = Tones.Formal,
            Template = "formal-notice",
            PaymentDeadlineDays = 8,
            Claims =
            [
                .. Invoices.Select(i => new Claim(i.InvoiceNumber, (DateOnly.FromDateTime(Now.Date).DayNumber - i.DueDate.DayNumber), 12.15m,
                    "taux BCE majoré de 10 points, 2e semestre 2026", Math.Round(i.Outstanding * 0.1215m * 60 / 365, 2), "EUR", 40m, "EUR")),
            ],
            PreviousActions =
            [
                new("courtesy-reminder-1", Channels.Email, new(2026, 9, 1, 7, 0, 0, TimeSpan.Zero)),
                new("first-reminder", Channels.Email, new(2026, 9, 20, 7, 0, 0, TimeSpan.Zero)),
                new("first-call", "phone", new(2026, 10, 4, 9, 30, 0, TimeSpan.Zero)),
                new("reminder-letter", Channels.Letter, new(2026, 10, 20, 7, 0, 0, TimeSpan.Zero)),
            ],
        };

    /// <summary>
    /// A reminder email as it is stored and sent: the formal notice's words, with a copy of each invoice
    /// (a real PDF of the size of one) and the bank details attached.
    /// </summary>
    public static string ReminderEmailMime(bool withAttachments = true)
    {
        var request = FormalNotice(Guid.NewGuid(), Channels.Email);
        var copies = request.Invoices.Select(i => new EmailAttachment(i.InvoiceNumber, "invoice", $"Facture {i.InvoiceNumber}.pdf", "application/pdf",
            InvoiceCopy(Guid.NewGuid())));
        var rib = new EmailAttachment(request.Invoices[0].InvoiceNumber, "bank-details", "RIB ACME SAS.pdf", "application/pdf", InvoiceCopy(Guid.NewGuid()));
        return CorrespondenceRendering.Render(request, Sender, Now, withAttachments ? new EmailAttachments([.. copies, rib], []) : EmailAttachments.None).Mime!;
    }

    static byte[] InvoiceCopy(Guid id) =>
        CorrespondenceRendering.Render(FormalNotice(id, Channels.Letter), Sender, Now).Pdf!;
}
