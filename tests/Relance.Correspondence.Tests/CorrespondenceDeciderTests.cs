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

    static readonly CorrespondenceRequested Letter = Examples.FormalNotice() with { RequestedAt = Now };
    static readonly CorrespondenceRendered LetterRendered = new("formal-notice/fr/v1", "Mise en demeure", null, "def456", Now) { Letter = "Madame, Monsieur," };
    static readonly LetterQueuedForPosting Queued = new("registered-letter", "Dupont SARL", Examples.Paris, "def456", Now.AddSeconds(1));

    static (string Field, string Error) RefusalOf(CorrespondenceRequested request, params object[] given) =>
        Assert.Single(Spec().Given(given).When(s => CorrespondenceDecider.Request(request, s)).ThenThrows<MessageRejectedException>().Reasons);

    [Fact]
    public void A_letter_with_a_postal_address_is_recorded() =>
        Spec().Given().When(s => CorrespondenceDecider.Request(Letter, s)).Then(Letter);

    [Fact]
    public void A_letter_without_a_postal_address_is_refused_and_nothing_is_recorded()
    {
        foreach (var channel in new[] { Channels.Letter, Channels.RegisteredLetter })
        {
            var (field, error) = RefusalOf(Letter with { Channel = channel, Recipient = Letter.Recipient with { PostalAddress = null } });
            Assert.Equal("Recipient.PostalAddress", field);
            Assert.Equal($"a {channel} needs the recipient's postal address; none was given", error);
        }
    }

    [Fact]
    public void A_letter_to_an_address_without_street_or_city_is_refused()
    {
        Assert.Equal("Recipient.PostalAddress", RefusalOf(Letter with { Recipient = Letter.Recipient with { PostalAddress = Examples.Paris with { Lines = [" "] } } }).Field);
        Assert.Equal("Recipient.PostalAddress", RefusalOf(Letter with { Recipient = Letter.Recipient with { PostalAddress = Examples.Paris with { City = "" } } }).Field);
    }

    [Fact]
    public void An_email_needs_a_valid_address_and_a_valid_copy_address()
    {
        Assert.Equal("Recipient.Email", RefusalOf(Requested with { Recipient = Requested.Recipient with { Email = "" } }).Field);
        Assert.Equal("Recipient.AccountManagerEmail", RefusalOf(Requested with { Recipient = Requested.Recipient with { AccountManagerEmail = "not an address" } }).Field);
    }

    [Fact]
    public void A_formal_notice_without_a_deadline_is_refused()
    {
        var (field, error) = RefusalOf(Letter with { PaymentDeadlineDays = null });
        Assert.Equal(("PaymentDeadlineDays", "a formal notice must state the deadline granted to pay; none was given"), (field, error));
        Assert.Equal("PaymentDeadlineDays", RefusalOf(Examples.ReminderLetter() with { PaymentDeadlineDays = 0 }).Field);
        Spec().Given().When(s => CorrespondenceDecider.Request(Examples.ReminderLetter() with { PaymentDeadlineDays = null }, s)).Then(Examples.ReminderLetter() with { PaymentDeadlineDays = null });
    }

    [Fact]
    public void A_channel_or_template_this_service_cannot_carry_out_is_refused()
    {
        Assert.Equal("Channel", RefusalOf(Requested with { Channel = "fax" }).Field);
        Assert.Equal(("Template", "no template for step 'second-letter' (template 'custom') nor for tone 'threatening'"),
            RefusalOf(Requested with { Step = "second-letter", Template = "custom", Tone = "threatening" }));
        Assert.Equal("Invoices", RefusalOf(Requested with { Invoices = [] }).Field);
    }

    [Fact]
    public void Every_reason_is_given_at_once() =>
        Assert.Equal(["Invoices", "Recipient.PostalAddress", "PaymentDeadlineDays"],
            Spec().Given().When(s => CorrespondenceDecider.Request(Letter with { Invoices = [], PaymentDeadlineDays = null, Recipient = Letter.Recipient with { PostalAddress = null } }, s))
                .ThenThrows<MessageRejectedException>().Reasons.Select(r => r.Field));

    [Fact]
    public void The_same_reminder_id_for_another_channel_is_refused_rather_than_dropped()
    {
        var (field, error) = RefusalOf(Requested with { Channel = Channels.Letter, Recipient = Requested.Recipient with { PostalAddress = Examples.Paris } }, Requested);
        Assert.Equal("Channel", field);
        Assert.Contains("already requested by email", error);
    }

    [Fact]
    public void A_rendered_letter_is_queued_for_posting_once_and_never_sent_by_email()
    {
        Spec().Given(Letter).When(s => CorrespondenceDecider.RecordQueuedForPosting(Queued, s)).Then();
        var outcome = Spec().Given(Letter, LetterRendered).When(s => CorrespondenceDecider.RecordQueuedForPosting(Queued, s)).Then(Queued);
        Assert.Equal((CorrespondenceStatus.QueuedForPosting, true), (outcome.State!.Status, outcome.State.Dispatched));
        Spec().Given(Letter, LetterRendered, Queued).When(s => CorrespondenceDecider.RecordQueuedForPosting(Queued, s)).Then();
        Spec().Given(Letter, LetterRendered).When(s => CorrespondenceDecider.RecordSent(Sent, s)).Then();
        Spec().Given(Letter, LetterRendered, Queued).When(s => CorrespondenceDecider.RecordFailure(new("printer on fire", Now), s)).Then();
    }

    [Fact]
    public void An_email_is_never_queued_for_posting() =>
        Spec().Given(Requested, Rendered).When(s => CorrespondenceDecider.RecordQueuedForPosting(Queued, s)).Then();
}
