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
    };

    static MimeMessage Parsed(CorrespondenceRendered rendered) => MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(rendered.Mime)));

    [Fact]
    public void An_email_copies_the_account_manager_when_there_is_one()
    {
        var rendered = CorrespondenceRendering.Render(ReminderLetter(), Sender, Now);
        var email = Parsed(rendered);
        Assert.Equal(("compta@dupont.fr", "commercial@acme.example"), (email.To.Mailboxes.Single().Address, email.Cc.Mailboxes.Single().Address));
        Assert.Equal("reminder-letter/fr/v1", email.Headers["X-Relance-Template"]);
        Assert.Equal(("reminder-letter/fr/v1", email.Subject), (rendered.Template, rendered.Subject));
        Assert.Contains("Total à régler : 1", email.TextBody);

        var alone = CorrespondenceRendering.Render(ReminderLetter() with { Recipient = ReminderLetter().Recipient with { AccountManagerEmail = null } }, Sender, Now);
        Assert.Empty(Parsed(alone).Cc);
    }

    [Fact]
    public void An_emails_hash_is_the_hash_of_its_mime_bytes()
    {
        var rendered = CorrespondenceRendering.Render(FormalNotice(Channels.Email), Sender, Now);
        Assert.Equal(MimeMessages.Sha256(Encoding.ASCII.GetBytes(rendered.Mime)), rendered.ContentSha256);
        Assert.Equal($"{ReminderId:N}@relance", Parsed(rendered).MessageId);
    }
}
