using Relance.CorrespondenceService.Correspondences;
using Relance.ServiceDefaults;
using Relance.Testing;

namespace Relance.Correspondence.Tests;

[Trait("Category", "Unit")]
public class CorrespondenceDeciderTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    static readonly Guid ReminderId = Guid.Parse("7d0c1f7e-6a3b-4b53-8d3e-2f1c9a8b7e10");

    static readonly CorrespondenceRequested Requested = new(
        ReminderId, "ACME/C1/EUR", "ACME", "first-reminder", "email", new Recipient("C1", "Dupont SARL", "compta@dupont.fr"),
        [new ChasedInvoice("F-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR")], new(2026, 11, 2), Now);

    static readonly CorrespondenceRendered Rendered = new("first-reminder/fr/v1", "Relance", "MIME", "abc123", Now);
    static readonly CorrespondenceSent Sent = new("email", "compta@dupont.fr", "250 OK", "abc123", Now.AddSeconds(1));

    static DeciderSpec<CorrespondenceService.Correspondences.Correspondence> Spec() => new(CorrespondenceEvolution.Evolve);

    [Fact]
    public void A_new_request_is_recorded() =>
        Spec().Given().When(s => CorrespondenceDecider.Request(Requested, s)).Then(Requested);

    [Fact]
    public void A_repeated_request_is_not_recorded_again() =>
        Spec().Given(Requested).When(s => CorrespondenceDecider.Request(Requested with { RequestedAt = Now.AddHours(1) }, s)).Then();

    [Fact]
    public void A_requested_correspondence_is_rendered_once()
    {
        Spec().Given(Requested).When(s => CorrespondenceDecider.Render(Rendered, s)).Then(Rendered);
        Spec().Given(Requested, Rendered).When(s => CorrespondenceDecider.Render(Rendered with { ContentSha256 = "other" }, s)).Then();
    }

    [Fact]
    public void Nothing_is_rendered_without_a_request() =>
        Spec().Given().When(s => CorrespondenceDecider.Render(Rendered, s)).Then();

    [Fact]
    public void Only_a_rendered_correspondence_can_be_sent_and_only_once()
    {
        Spec().Given(Requested).When(s => CorrespondenceDecider.RecordSent(Sent, s)).Then();
        Spec().Given(Requested, Rendered).When(s => CorrespondenceDecider.RecordSent(Sent, s)).Then(Sent);
        Spec().Given(Requested, Rendered, Sent).When(s => CorrespondenceDecider.RecordSent(Sent, s)).Then();
    }

    [Fact]
    public void Failures_are_counted_until_the_correspondence_is_sent()
    {
        var failed = new CorrespondenceSendingFailed("connection refused", Now);
        var outcome = Spec().Given(Requested, Rendered, failed).When(s => CorrespondenceDecider.RecordFailure(failed, s)).Then(failed);
        Assert.Equal(2, outcome.State!.Failures);
        Spec().Given(Requested, Rendered, Sent).When(s => CorrespondenceDecider.RecordFailure(failed, s)).Then();
    }

    [Fact]
    public void The_status_follows_the_events()
    {
        var state = new object[] { Requested, Rendered, Sent }.Aggregate((CorrespondenceService.Correspondences.Correspondence?)null, CorrespondenceEvolution.Evolve)!;
        Assert.Equal((ReminderId.ToString(), CorrespondenceStatus.Sent), (state.Id, state.Status));
    }

    static readonly CorrespondenceRequested Notice = Examples.FormalNotice(Channels.Email) with { RequestedAt = Now };

    static (string Field, string Error) RefusalOf(CorrespondenceRequested request, params object[] given) =>
        Assert.Single(Spec().Given(given).When(s => CorrespondenceDecider.Request(request, s)).ThenThrows<MessageRejectedException>().Reasons);

    [Fact]
    public void An_email_needs_a_valid_address_and_a_valid_copy_address()
    {
        Assert.Equal("Recipient.Email", RefusalOf(Requested with { Recipient = Requested.Recipient with { Email = "" } }).Field);
        Assert.Equal("Recipient.AccountManagerEmail", RefusalOf(Requested with { Recipient = Requested.Recipient with { AccountManagerEmail = "not an address" } }).Field);
    }

    [Fact]
    public void A_formal_notice_without_a_deadline_is_refused()
    {
        var (field, error) = RefusalOf(Notice with { PaymentDeadlineDays = null });
        Assert.Equal(("PaymentDeadlineDays", "a formal notice must state the deadline granted to pay; none was given"), (field, error));
        Assert.Equal("PaymentDeadlineDays", RefusalOf(Examples.ReminderLetter() with { PaymentDeadlineDays = 0 }).Field);
        Spec().Given().When(s => CorrespondenceDecider.Request(Examples.ReminderLetter() with { PaymentDeadlineDays = null }, s)).Then(Examples.ReminderLetter() with { PaymentDeadlineDays = null });
    }

    [Fact]
    public void A_channel_or_template_this_service_cannot_carry_out_is_refused()
    {
        Assert.Equal("Channel", RefusalOf(Requested with { Channel = "fax" }).Field);
        Assert.Equal("Channel", RefusalOf(Notice with { Channel = "registered-letter" }).Field);
        Assert.Equal(("Template", "no template for step 'second-letter' (template 'custom') nor for tone 'threatening'"),
            RefusalOf(Requested with { Step = "second-letter", Template = "custom", Tone = "threatening" }));
        Assert.Equal("Invoices", RefusalOf(Requested with { Invoices = [] }).Field);
    }

}
