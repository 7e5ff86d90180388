using System.Text;
using MimeKit;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Email;

namespace Relance.Correspondence.Tests;

[Trait("Category", "Unit")]
public class ReminderEmailTests
{
    static CorrespondenceRequested Request(DateOnly asOf, params ChasedInvoice[] invoices) => new(
        Guid.NewGuid(), "ACME/C1/EUR", "ACME", "first-reminder", "email", new Recipient("C1", "Dupont <SARL>", "compta@dupont.fr"),
        [.. invoices], asOf, DateTimeOffset.UnixEpoch);

    static readonly ChasedInvoice F1 = new("F-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR");
    static readonly ChasedInvoice F2 = new("F-2", new(2026, 10, 15), new(2026, 11, 14), 345.5m, "EUR");

    // fr-FR groups thousands with a narrow no-break space.
    static string Normalised(string text) => text.Replace('\u202F', ' ').Replace('\u00A0', ' ');

    [Fact]
    public void Before_the_due_date_it_is_a_courteous_reminder_of_the_date()
    {
        var email = ReminderEmail.Render(Request(new(2026, 10, 28), F1), Examples.ByEmail("ACME SAS"));
        Assert.Equal("Rappel : facture ACME SAS F-1 à échéance le 31/10/2026", email.Subject);
        var text = Normalised(email.Text);
        Assert.StartsWith("Madame, Monsieur,", text);
        Assert.Contains("l'échéance prochaine de la facture suivante de ACME SAS", text);
        Assert.Contains("- Facture F-1 du 01/10/2026, échéance le 31/10/2026 : 1 200,00 €", text);
        Assert.DoesNotContain("retard", text);
        Assert.EndsWith("Cordialement,\nService recouvrement\nACME SAS\n", text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void After_the_due_date_it_lists_every_invoice_with_its_days_late_and_the_total()
    {
        var email = ReminderEmail.Render(Request(new(2026, 11, 23), F2, F1), Examples.ByEmail("ACME SAS"));
        Assert.Equal("Relance : factures ACME SAS en attente de règlement (F-1, F-2)", email.Subject);
        var text = Normalised(email.Text);
        Assert.Contains("les factures suivantes de ACME SAS restent à régler", text);
        Assert.Contains("procéder à leur règlement", text);
        Assert.Contains("1 200,00 € (en retard de 23 jours)", text);
        Assert.Contains("345,50 € (en retard de 9 jours)", text);
        Assert.Contains("Montant restant à régler : 1 545,50 €", text);
        Assert.True(text.IndexOf("F-1", StringComparison.Ordinal) < text.IndexOf("F-2", StringComparison.Ordinal), "oldest due date first");
    }

    [Fact]
    public void Several_invoices_not_yet_due_are_named_in_the_subject() =>
        Assert.Equal("Rappel : factures ACME SAS F-1, F-2 arrivant à échéance",
            ReminderEmail.Render(Request(new(2026, 10, 20), F2, F1), Examples.ByEmail("ACME SAS")).Subject);

    [Fact]
    public void Several_invoices_not_yet_due_are_recalled_in_plain_french()
    {
        var text = Normalised(ReminderEmail.Render(Request(new(2026, 10, 20), F2, F1), Examples.ByEmail("ACME SAS")).Text);
        Assert.Contains("l'échéance prochaine des factures suivantes de ACME SAS", text);
        Assert.DoesNotContain("de des", text);
    }

    [Fact]
    public void The_html_part_escapes_what_the_erp_sent()
    {
        var email = ReminderEmail.Render(Request(new(2026, 11, 23), F1 with { InvoiceNumber = "F<1>" }), Examples.ByEmail("A&B <SAS>"));
        Assert.Contains("F&lt;1&gt;", email.Html);
        Assert.Contains("A&amp;B &lt;SAS&gt;", email.Html);
        Assert.DoesNotContain("<SAS>", email.Html);
    }

    [Fact]
    public void The_mime_bytes_are_7_bit_and_their_hash_is_the_one_recorded()
    {
        var email = ReminderEmail.Render(Request(new(2026, 11, 23), F1), Examples.ByEmail("ACME SAS"));
        var id = Guid.Parse("2f7c9b0e-1d2a-4c3b-9e8f-7a6b5c4d3e2f");
        var (mime, sha256) = MimeMessages.Build(email, new SenderIdentity(), "Dupont SARL", "compta@dupont.fr", id, new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

        var bytes = Encoding.ASCII.GetBytes(mime);
        Assert.All(mime, c => Assert.True(c < 128));
        Assert.DoesNotContain("\n", mime.Replace("\r\n", ""));  // CRLF only, as SMTP carries it
        Assert.Equal(MimeMessages.Sha256(bytes), sha256);
        Assert.Equal(64, sha256.Length);

        var parsed = MimeMessage.Load(new MemoryStream(bytes));
        Assert.Equal($"{id:N}@relance", parsed.MessageId);
        Assert.Equal(email.Subject, parsed.Subject);
        Assert.Equal(email.Text.ReplaceLineEndings("\n"), parsed.TextBody?.ReplaceLineEndings("\n"));
        Assert.Equal("compta@dupont.fr", parsed.To.Mailboxes.Single().Address);
    }
}
