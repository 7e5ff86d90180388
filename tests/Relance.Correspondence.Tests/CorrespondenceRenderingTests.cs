using System.Text;
using MimeKit;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.CorrespondenceService.Email;
using Relance.Tests.Shared;
using static Relance.Correspondence.Tests.Examples;

namespace Relance.Correspondence.Tests;

[Trait("Category", "Unit")]
public class CorrespondenceRenderingTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 5, TimeSpan.Zero);

    static readonly SenderIdentity Sender = new()
    {
        Name = "Service recouvrement",
        Email = "recouvrement@acme.example",
        Companies = new() { ["ACME"] = "ACME SAS" },
        Addresses = new() { ["ACME"] = ["1 place de l'Exemple", "69002 Lyon"] },
    };

    static MimeMessage Parsed(CorrespondenceRendered rendered) => MimeMessage.Load(new MemoryStream(rendered.Bytes()));

    [Fact]
    public void An_sms_is_stored_as_its_text_whose_utf8_bytes_are_hashed_and_served_as_text()
    {
        var request = ReminderLetter() with { Channel = Channels.Sms, Recipient = ReminderLetter().Recipient with { Phone = "06 12 34 56 78" } };
        var rendered = CorrespondenceRendering.Render(request, Sender, Now);
        Assert.NotNull(rendered.Sms);
        Assert.Equal((null, null, "text/plain; charset=utf-8"), (rendered.Mime, rendered.Pdf, rendered.MediaType()));
        Assert.Equal(Encoding.UTF8.GetBytes(rendered.Sms), rendered.Bytes());
        Assert.Equal(MimeMessages.Sha256(rendered.Bytes()), rendered.ContentSha256);
        Assert.Equal(rendered, CorrespondenceRendering.Render(request, Sender, Now) with { Sms = rendered.Sms });
    }

    [Fact]
    public void An_email_copies_the_account_manager_when_there_is_one()
    {
        var rendered = CorrespondenceRendering.Render(ReminderLetter(), Sender, Now);
        var email = Parsed(rendered);
        Assert.Equal(("compta@dupont.fr", "commercial@acme.example"), (email.To.Mailboxes.Single().Address, email.Cc.Mailboxes.Single().Address));
        Assert.Equal("reminder-letter/fr/v2", email.Headers["X-Relance-Template"]);
        Assert.Equal(("reminder-letter/fr/v2", email.Subject, "message/rfc822"), (rendered.Template, rendered.Subject, rendered.MediaType()));
        Assert.Contains("Total à régler : 1", email.TextBody);

        var alone = CorrespondenceRendering.Render(ReminderLetter() with { Recipient = ReminderLetter().Recipient with { AccountManagerEmail = null } }, Sender, Now);
        Assert.Empty(Parsed(alone).Cc);
    }

    [Fact]
    public void An_emails_hash_is_the_hash_of_its_mime_bytes()
    {
        var rendered = CorrespondenceRendering.Render(FormalNotice(Channels.Email), Sender, Now);
        Assert.Null(rendered.Letter);
        Assert.Equal(MimeMessages.Sha256(Encoding.ASCII.GetBytes(rendered.Mime!)), rendered.ContentSha256);
        Assert.Equal($"{ReminderId:N}@relance", Parsed(rendered).MessageId);
    }

    [Fact]
    public void A_letter_is_its_pdf_with_the_configured_letterhead_and_the_hash_of_those_bytes()
    {
        var rendered = CorrespondenceRendering.Render(FormalNotice(), Sender, Now);
        Assert.Null(rendered.Mime);
        Assert.Null(rendered.Letter);
        Assert.Equal(("formal-notice/fr/v2", "application/pdf", Now), (rendered.Template, rendered.MediaType(), rendered.RenderedAt));
        Assert.Equal(rendered.Pdf, rendered.Bytes());
        Assert.Equal(MimeMessages.Sha256(rendered.Bytes()), rendered.ContentSha256);
        var lines = PdfText.Lines(rendered.Bytes());
        Assert.StartsWith("ACME SAS\nService recouvrement\n1 place de l'Exemple\n69002 Lyon\nrecouvrement@acme.example\n", lines);
        Assert.Contains("Lettre recommandée avec accusé de réception\n", lines);
        Assert.Equal("Mise en demeure de payer – factures impayées – ACME SAS – F-1, F-2", rendered.Subject);
    }

    [Fact]
    public void A_letter_rendered_before_letters_were_pdf_is_still_served_as_its_utf8_text()
    {
        var old = new CorrespondenceRendered("formal-notice/fr/v1", "Mise en demeure", null, "abc", Now) { Letter = "Madame, Monsieur,\n" };
        Assert.Equal(("text/plain; charset=utf-8", "Madame, Monsieur,\n"), (old.MediaType(), Encoding.UTF8.GetString(old.Bytes())));
    }

    [Fact]
    public void A_creditor_with_no_address_configured_is_still_named_with_how_to_reach_it()
    {
        var rendered = CorrespondenceRendering.Render(WarningLetter() with { CompanyId = "BATIPRO" }, Sender, Now);
        var lines = PdfText.Lines(rendered.Bytes());
        Assert.StartsWith("BATIPRO\nService recouvrement\nrecouvrement@acme.example\nDupont <SARL>\n", lines);
        Assert.Contains("Le 23 novembre 2026\n", lines);
    }
}
