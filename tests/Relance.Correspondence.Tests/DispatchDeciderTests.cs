using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Sms;
using Relance.ServiceDefaults;
using Relance.Testing;

namespace Relance.Correspondence.Tests;

/// <summary>Exactly-once sending: the intent before the provider, what a redelivery or the reconciler does with an open attempt, a person's decisions, SMS numbers, bounces and delivery reports.</summary>
[Trait("Category", "Unit")]
public class DispatchDeciderTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    static readonly Guid ReminderId = Guid.Parse("7d0c1f7e-6a3b-4b53-8d3e-2f1c9a8b7e10");
    static readonly Guid AttemptId = Guid.Parse("11111111-2222-3333-4444-555555555555");

    static readonly CorrespondenceRequested Email = new(
        ReminderId, "ACME/C1/EUR", "ACME", "first-reminder", Channels.Email, new Recipient("C1", "Dupont SARL", "compta@dupont.fr") { Phone = "06 12 34 56 78" },
        [new ChasedInvoice("F-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR")], new(2026, 11, 2), Now);
    static readonly CorrespondenceRequested Sms = Email with { Channel = Channels.Sms };
    static readonly CorrespondenceRendered Rendered = new("first-reminder/fr/v1", "Relance", "MIME", "abc123", Now);
    static readonly CorrespondenceRendered SmsRendered = new("sms-reminder/fr/v1", "SMS", null, "def456", Now) { Sms = "ACME SAS : votre facture F-1 reste impayée" };
    static readonly DispatchStarted Started = new(Channels.Email, AttemptId, Now);
    static readonly DispatchStarted SmsStarted = new(Channels.Sms, AttemptId, Now);
    static readonly DispatchOutcomeUnknown Unknown = new(Channels.Email, AttemptId, "plain SMTP cannot be asked", Now.AddMinutes(1));
    static readonly CorrespondenceSent Sent = new(Channels.Email, "compta@dupont.fr", "250 OK", "abc123", Now.AddSeconds(1)) { AttemptId = AttemptId, ProviderMessageId = "<x@relance>" };

    static DeciderSpec<CorrespondenceService.Correspondences.Correspondence> Spec() => new(CorrespondenceEvolution.Evolve);

    static DispatchStep Next(params object[] events) =>
        CorrespondenceDecider.NextStep(events.Aggregate((CorrespondenceService.Correspondences.Correspondence?)null, CorrespondenceEvolution.Evolve)!);

    [Fact]
    public void What_to_do_next_follows_the_record()
    {
        Assert.Equal(DispatchStep.Nothing, Next(Email));
        Assert.Equal(DispatchStep.Send, Next(Email, Rendered));
        Assert.Equal(DispatchStep.Lookup, Next(Email, Rendered, Started));
        Assert.Equal(DispatchStep.AwaitPerson, Next(Email, Rendered, Started, Unknown));
        Assert.Equal(DispatchStep.Send, Next(Email, Rendered, Started, Unknown, new ResendOrdered(AttemptId, "marie", "the customer says nothing came", Now)));
        Assert.Equal(DispatchStep.Nothing, Next(Email, Rendered, Started, Sent));
        Assert.Equal(DispatchStep.Send, Next(Email, Rendered, Started, new CorrespondenceSendingFailed("connection refused", Now) { AttemptId = AttemptId }));
        Assert.Equal(DispatchStep.Nothing, Next(Email, Rendered, Started, new CorrespondenceSendingFailed("550 no such user", Now) { AttemptId = AttemptId, Permanent = true }));
        Assert.Equal(DispatchStep.Nothing, Next(Examples.FormalNotice(), new CorrespondenceRendered("formal-notice/fr/v1", "Mise en demeure", null, "x", Now) { Pdf = [1] }));
    }

    [Fact]
    public void The_intent_is_recorded_once_and_never_over_an_open_attempt_or_an_unknown_outcome()
    {
        Spec().Given(Email, Rendered).When(s => CorrespondenceDecider.Start(Started, s)).Then(Started);
        Spec().Given(Email).When(s => CorrespondenceDecider.Start(Started, s)).Then();
        Spec().Given(Email, Rendered, Started).When(s => CorrespondenceDecider.Start(Started with { AttemptId = Guid.NewGuid() }, s)).Then();
        Spec().Given(Email, Rendered, Started, Unknown).When(s => CorrespondenceDecider.Start(Started with { AttemptId = Guid.NewGuid() }, s)).Then();
        Spec().Given(Email, Rendered, Started, Sent).When(s => CorrespondenceDecider.Start(Started with { AttemptId = Guid.NewGuid() }, s)).Then();
        var outcome = Spec().Given(Email, Rendered).When(s => CorrespondenceDecider.Start(Started, s)).Then(Started);
        Assert.Equal(CorrespondenceStatus.Dispatching, outcome.State!.Status);
    }

    [Fact]
    public void An_open_attempt_the_provider_has_is_recorded_sent_without_sending_again()
    {
        var found = new DispatchLookup.Found("gw-42", "found by client reference: delivered");
        var sent = new CorrespondenceSent(Channels.Sms, "+33612345678", found.Response, "def456", Now.AddMinutes(2)) { AttemptId = AttemptId, ProviderMessageId = "gw-42" };
        var outcome = Spec().Given(Sms, SmsRendered, SmsStarted).When(s => CorrespondenceDecider.RecordLookup(found, Now.AddMinutes(2), s)).Then(sent);
        Assert.Equal((CorrespondenceStatus.Sent, (DispatchStarted?)null), (outcome.State!.Status, outcome.State.Attempt));
        Spec().Given(Sms, SmsRendered, SmsStarted, sent).When(s => CorrespondenceDecider.RecordLookup(found, Now, s)).Then();
    }

    [Fact]
    public void An_open_attempt_the_provider_does_not_have_records_nothing_and_is_sent_under_the_same_attempt()
    {
        var outcome = Spec().Given(Sms, SmsRendered, SmsStarted).When(s => CorrespondenceDecider.RecordLookup(new DispatchLookup.NotFound(), Now, s)).Then();
        Assert.Equal(AttemptId, outcome.State!.Attempt!.AttemptId);
    }

    [Fact]
    public void An_open_attempt_nobody_can_tell_about_is_recorded_unknown_and_left_to_a_person()
    {
        var outcome = Spec().Given(Email, Rendered, Started)
            .When(s => CorrespondenceDecider.RecordLookup(new DispatchLookup.CannotTell("plain SMTP cannot be asked"), Now.AddMinutes(1), s)).Then(Unknown);
        Assert.Equal((CorrespondenceStatus.OutcomeUnknown, false), (outcome.State!.Status, outcome.State.Dispatched));
        // No lookup without an open attempt.
        Spec().Given(Email, Rendered).When(s => CorrespondenceDecider.RecordLookup(new DispatchLookup.CannotTell("?"), Now, s)).Then();
    }

    [Fact]
    public void A_person_confirms_an_unknown_outcome_as_sent_with_a_reason()
    {
        var outcome = Spec().Given(Email, Rendered, Started, Unknown).When(s => CorrespondenceDecider.ConfirmSent("marie", "the customer replied to it", Now, s))
            .Then(new SendingConfirmed(AttemptId, "marie", "the customer replied to it", Now),
                new CorrespondenceSent(Channels.Email, "compta@dupont.fr", "confirmed by marie: the customer replied to it", "abc123", Now) { AttemptId = AttemptId });
        Assert.Equal(CorrespondenceStatus.Sent, outcome.State!.Status);
        Spec().Given(Email, Rendered, Started).When(s => CorrespondenceDecider.ConfirmSent("marie", "sure", Now, s)).Then();
        Spec().Given(Email, Rendered, Started, Sent).When(s => CorrespondenceDecider.ConfirmSent("marie", "sure", Now, s)).Then();
    }

    [Fact]
    public void A_person_orders_an_unknown_outcome_sent_again()
    {
        var ordered = new ResendOrdered(AttemptId, "marie", "not in the customer's mailbox", Now);
        var outcome = Spec().Given(Email, Rendered, Started, Unknown).When(s => CorrespondenceDecider.OrderResend("marie", "not in the customer's mailbox", Now, s)).Then(ordered);
        Assert.Equal(DispatchStep.Send, CorrespondenceDecider.NextStep(outcome.State!));
        Spec().Given(Email, Rendered, Started, Sent).When(s => CorrespondenceDecider.OrderResend("marie", "again", Now, s)).Then();
        Spec().Given(Email, Rendered).When(s => CorrespondenceDecider.OrderResend("marie", "again", Now, s)).Then();
    }

    [Fact]
    public void A_failure_closes_the_attempt_and_a_permanent_one_ends_the_correspondence()
    {
        var permanent = new CorrespondenceSendingFailed("SMTP 550 no such user", Now) { AttemptId = AttemptId, Permanent = true };
        var outcome = Spec().Given(Email, Rendered, Started).When(s => CorrespondenceDecider.RecordFailure(permanent, s)).Then(permanent);
        Assert.Equal((CorrespondenceStatus.Failed, (DispatchStarted?)null), (outcome.State!.Status, outcome.State.Attempt));
    }

    [Fact]
    public void A_bounce_is_recorded_once_on_an_email_that_was_handed_over()
    {
        var bounced = new CorrespondenceBounced("compta@dupont.fr", "5.1.1", "user unknown", Now.AddHours(1), Now.AddHours(2));
        var outcome = Spec().Given(Email, Rendered, Started, Sent).When(s => CorrespondenceDecider.RecordBounce(bounced, s)).Then(bounced);
        Assert.Equal(CorrespondenceStatus.Bounced, outcome.State!.Status);
        Spec().Given(Email, Rendered, Started, Sent, bounced).When(s => CorrespondenceDecider.RecordBounce(bounced with { RecordedAt = Now.AddHours(3) }, s)).Then();
        Spec().Given(Email, Rendered).When(s => CorrespondenceDecider.RecordBounce(bounced, s)).Then();
        Spec().Given(Sms, SmsRendered, SmsStarted).When(s => CorrespondenceDecider.RecordBounce(bounced, s)).Then();
    }

    [Fact]
    public void A_bounce_proves_an_open_attempt_or_an_unknown_outcome_was_sent_and_closes_it()
    {
        var bounced = new CorrespondenceBounced("compta@dupont.fr", "5.1.1", "user unknown", Now.AddHours(1), Now.AddHours(2));
        var sent = new CorrespondenceSent(Channels.Email, "compta@dupont.fr", "accepted; bounced later", "abc123", Now.AddHours(2))
            { AttemptId = AttemptId, ProviderMessageId = "<7d0c1f7e6a3b4b538d3e2f1c9a8b7e10@relance>" };
        foreach (var given in new object[][] { [Email, Rendered, Started], [Email, Rendered, Started, Unknown] })
        {
            var outcome = Spec().Given(given).When(s => CorrespondenceDecider.RecordBounce(bounced, s)).Then(sent, bounced);
            Assert.Equal((CorrespondenceStatus.Bounced, true, null, null, DispatchStep.Nothing),
                (outcome.State!.Status, outcome.State.Dispatched, outcome.State.Attempt, outcome.State.OutcomeUnknown, CorrespondenceDecider.NextStep(outcome.State)));
            // The same bounce again, or another one: the email is sent once.
            Spec().Given([.. given, sent, bounced]).When(s => CorrespondenceDecider.RecordBounce(bounced with { RecordedAt = Now.AddHours(5) }, s)).Then();
            var other = bounced with { Recipient = "manager@acme.test", StatusCode = "5.2.2" };
            Spec().Given([.. given, sent, bounced]).When(s => CorrespondenceDecider.RecordBounce(other, s)).Then(other);
        }
    }

    [Fact]
    public void A_delivery_report_is_recorded_once_per_status_on_an_sms_the_gateway_has()
    {
        var smsSent = new CorrespondenceSent(Channels.Sms, "+33612345678", "200 gw-42", "def456", Now.AddSeconds(1)) { AttemptId = AttemptId, ProviderMessageId = "gw-42" };
        var delivered = new DeliveryReported("gw-42", DeliveryStatuses.Delivered, null, Now.AddMinutes(1), Now.AddMinutes(2));
        var outcome = Spec().Given(Sms, SmsRendered, SmsStarted, smsSent).When(s => CorrespondenceDecider.RecordDeliveryReport(delivered, s)).Then(delivered);
        Assert.Equal(CorrespondenceStatus.Delivered, outcome.State!.Status);
        Spec().Given(Sms, SmsRendered, SmsStarted, smsSent, delivered).When(s => CorrespondenceDecider.RecordDeliveryReport(delivered with { RecordedAt = Now.AddHours(1) }, s)).Then();
        var failed = delivered with { Status = DeliveryStatuses.Failed, Detail = "absent subscriber" };
        Assert.Equal(CorrespondenceStatus.DeliveryFailed,
            Spec().Given(Sms, SmsRendered, SmsStarted, smsSent).When(s => CorrespondenceDecider.RecordDeliveryReport(failed, s)).Then(failed).State!.Status);
        Spec().Given(Sms, SmsRendered).When(s => CorrespondenceDecider.RecordDeliveryReport(delivered, s)).Then();
        Spec().Given(Email, Rendered, Started, Sent).When(s => CorrespondenceDecider.RecordDeliveryReport(delivered, s)).Then();
    }

    [Fact]
    public void A_delivery_report_of_another_message_id_is_refused()
    {
        var smsSent = new CorrespondenceSent(Channels.Sms, "+33612345678", "200 gw-42", "def456", Now.AddSeconds(1)) { AttemptId = AttemptId, ProviderMessageId = "gw-42" };
        var other = new DeliveryReported("gw-99", DeliveryStatuses.Failed, "absent subscriber", Now.AddMinutes(1), Now.AddMinutes(2));
        var error = Spec().Given(Sms, SmsRendered, SmsStarted, smsSent).When(s => CorrespondenceDecider.RecordDeliveryReport(other, s)).ThenThrows<MessageRejectedException>();
        Assert.Contains(error.Reasons, r => r.Field == "id" && r.Error.Contains("gw-42"));
    }

    [Fact]
    public void A_delivered_sms_stays_delivered_whatever_failure_is_reported_after()
    {
        var smsSent = new CorrespondenceSent(Channels.Sms, "+33612345678", "200 gw-42", "def456", Now.AddSeconds(1)) { AttemptId = AttemptId, ProviderMessageId = "gw-42" };
        var failed = new DeliveryReported("gw-42", DeliveryStatuses.Failed, "absent subscriber", Now.AddMinutes(1), Now.AddMinutes(2));
        var delivered = failed with { Status = DeliveryStatuses.Delivered, Detail = null, ReportedAt = Now.AddHours(1), RecordedAt = Now.AddHours(1) };
        // The gateway tried again and got it there: recorded.
        var outcome = Spec().Given(Sms, SmsRendered, SmsStarted, smsSent, failed).When(s => CorrespondenceDecider.RecordDeliveryReport(delivered, s)).Then(delivered);
        Assert.Equal(CorrespondenceStatus.Delivered, outcome.State!.Status);
        // Failed again after delivered: not recorded, so not announced a second time.
        Spec().Given(Sms, SmsRendered, SmsStarted, smsSent, failed, delivered)
            .When(s => CorrespondenceDecider.RecordDeliveryReport(failed with { RecordedAt = Now.AddHours(2) }, s)).Then();
    }

    [Fact]
    public void A_delivery_report_proves_an_open_attempt_or_an_unknown_outcome_was_sent_under_the_reported_id()
    {
        var smsUnknown = new DispatchOutcomeUnknown(Channels.Sms, AttemptId, "the gateway did not answer", Now.AddMinutes(1));
        var delivered = new DeliveryReported("gw-42", DeliveryStatuses.Delivered, null, Now.AddMinutes(1), Now.AddMinutes(2));
        var sent = new CorrespondenceSent(Channels.Sms, "+33612345678", "accepted; delivery report 'delivered' later", "def456", Now.AddMinutes(2))
            { AttemptId = AttemptId, ProviderMessageId = "gw-42" };
        foreach (var given in new object[][] { [Sms, SmsRendered, SmsStarted], [Sms, SmsRendered, SmsStarted, smsUnknown] })
        {
            var outcome = Spec().Given(given).When(s => CorrespondenceDecider.RecordDeliveryReport(delivered, s)).Then(sent, delivered);
            Assert.Equal((CorrespondenceStatus.Delivered, null, null, DispatchStep.Nothing),
                (outcome.State!.Status, outcome.State.Attempt, outcome.State.OutcomeUnknown, CorrespondenceDecider.NextStep(outcome.State)));
            // From then on, reports are checked against the id it was recorded sent under.
            Spec().Given([.. given, sent, delivered]).When(s => CorrespondenceDecider.RecordDeliveryReport(delivered with { ProviderMessageId = "gw-7" }, s))
                .ThenThrows<MessageRejectedException>();
        }
    }

    [Fact]
    public void An_sms_needs_a_french_mobile_number()
    {
        Spec().Given().When(s => CorrespondenceDecider.Request(Sms, s)).Then(Sms);
        foreach (var phone in new string?[] { null, "", "01 23 45 67 89", "+44 7700 900123", "06 12 34 56", "call me" })
        {
            var reasons = Spec().Given().When(s => CorrespondenceDecider.Request(Sms with { Recipient = Sms.Recipient with { Phone = phone } }, s))
                .ThenThrows<MessageRejectedException>().Reasons;
            Assert.Equal("Recipient.Phone", Assert.Single(reasons).Field);
        }
        Assert.Equal("+33612345678", CorrespondenceDecider.RecipientAddress(Sms));
    }

    [Theory]
    [InlineData("06 12 34 56 78", "+33612345678")]
    [InlineData("07.12.34.56.78", "+33712345678")]
    [InlineData("+33 6 12 34 56 78", "+33612345678")]
    [InlineData("+33 (0)6 12 34 56 78", "+33612345678")]
    [InlineData("0033612345678", "+33612345678")]
    [InlineData("01 23 45 67 89", null)]
    [InlineData("+32 470 12 34 56", null)]
    [InlineData("06 12 34 56 78 9", null)]
    [InlineData("06-12-AB-56-78", null)]
    public void French_mobile_numbers_are_written_in_e164(string written, string? e164) =>
        Assert.Equal(e164, PhoneNumbers.FrenchMobile(written));
}
