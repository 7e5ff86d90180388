using System.Text;
using MimeKit;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.CorrespondenceService.Email;
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
    public void An_email_copies_the_account_manager_when_there_is_one()
    {
        var rendered = CorrespondenceRendering.Render(ReminderLetter(), Sender, Now);
        var email = Parsed(rendered);
        Assert.Equal(("compta@dupont.fr", "commercial@acme.example"), (email.To.Mailboxes.Single().Address, email.Cc.Mailboxes.Single().Address));
        Assert.Equal("reminder-letter/fr/v1", email.Headers["X-Relance-Template"]);
        Assert.Equal(("reminder-letter/fr/v1", email.Subject, "message/rfc822"), (rendered.Template, rendered.Subject, rendered.MediaType()));
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
    public void A_letter_is_its_utf8_text_with_the_configured_letterhead_and_the_hash_of_those_bytes()
    {
        var rendered = CorrespondenceRendering.Render(FormalNotice(), Sender, Now);
        Assert.Null(rendered.Mime);
        Assert.Equal(("formal-notice/fr/v1", "text/plain; charset=utf-8", Now), (rendered.Template, rendered.MediaType(), rendered.RenderedAt));
        Assert.Equal(Encoding.UTF8.GetBytes(rendered.Letter!), rendered.Bytes());
        Assert.Equal(MimeMessages.Sha256(rendered.Bytes()), rendered.ContentSha256);
        Assert.StartsWith("ACME SAS\nService recouvrement\n1 place de l'Exemple\n69002 Lyon\nrecouvrement@acme.example\n\n", rendered.Letter);
        Assert.Contains("Lettre recommandée avec accusé de réception", rendered.Letter);
        Assert.Equal("Mise en demeure de payer – factures impayées – ACME SAS – F-1, F-2", rendered.Subject);
    }

    [Fact]
    public void A_creditor_with_no_address_configured_is_still_named_with_how_to_reach_it()
    {
        var rendered = CorrespondenceRendering.Render(FormalNotice() with { CompanyId = "BATIPRO" }, Sender, Now);
        Assert.StartsWith("BATIPRO\nService recouvrement\nrecouvrement@acme.example\n\nDupont <SARL>\n", rendered.Letter);
    }
}
