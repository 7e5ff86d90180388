using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.Reconciling;
using Relance.CorrespondenceService.Correspondences.Withdrawing;
using Relance.Testing;
using State = Relance.CorrespondenceService.Correspondences.Correspondence;

namespace Relance.Correspondence.Tests;

/// <summary>The Reminder service's withdrawal of a reminder: stopped while it has not left, recorded too late once it has or may have.</summary>
[Trait("Category", "Unit")]
public class WithdrawalDeciderTests
{
    static readonly DateTimeOffset RequestedAt = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    static readonly DateTimeOffset Now = RequestedAt.AddMinutes(3);
    static readonly Guid AttemptId = Guid.Parse("11111111-2222-3333-4444-555555555555");
    static readonly Withdrawal Paid = new("every invoice it listed (F-1) was paid", RequestedAt.AddMinutes(2));

    static readonly CorrespondenceRequested Email = new(
        Guid.Parse("7d0c1f7e-6a3b-4b53-8d3e-2f1c9a8b7e10"), "ACME/C1/EUR", "ACME", "first-reminder", Channels.Email,
        new Recipient("C1", "Dupont SARL", "compta@dupont.fr"),
        [new ChasedInvoice("F-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR")], new(2026, 11, 2), RequestedAt);
    static readonly CorrespondenceRequested Letter = Email with { Channel = Channels.RegisteredLetter };
    static readonly CorrespondenceRendered Rendered = new("first-reminder/fr/v1", "Relance", "MIME", "abc123", RequestedAt);
    static readonly DispatchStarted Started = new(Channels.Email, AttemptId, RequestedAt.AddMinutes(1));
    static readonly CorrespondenceSent Sent = new(Channels.Email, "compta@dupont.fr", "250 OK", "abc123", RequestedAt.AddMinutes(1)) { AttemptId = AttemptId };
    static readonly CorrespondenceWithdrawn Withdrawn = new(Paid.Reason, Paid.RecalledAt, Now);

    static DeciderSpec<State> Spec() => new(CorrespondenceEvolution.Evolve);

    static IReadOnlyList<object> Withdraw(State? state) => CorrespondenceDecider.Withdraw(Paid, Now, state);

    [Fact]
    public void A_reminder_requested_or_rendered_and_not_yet_sent_is_withdrawn_and_never_dispatched_afterwards()
    {
        var requested = Spec().Given(Email).When(Withdraw).Then(Withdrawn);
        Assert.Equal(CorrespondenceStatus.Withdrawn, requested.State!.Status);
        Assert.True(requested.State.Stopped);

        var rendered = Spec().Given(Email, Rendered).When(Withdraw).Then(Withdrawn);
        Assert.Equal(DispatchStep.Nothing, CorrespondenceDecider.NextStep(rendered.State!));
        Assert.Empty(CorrespondenceDecider.Start(Started, rendered.State));
        Assert.Equal(ReconcileStep.Leave, CorrespondenceDecider.Reconcile(rendered.State!, Now, new ReconcilerOptions()));

        // Withdrawn before its rendering: nothing is rendered afterwards either.
        Assert.Empty(CorrespondenceDecider.Render(Rendered, requested.State));
    }

    [Fact]
    public void A_letter_withdrawn_before_its_hand_over_is_never_queued_for_posting()
    {
        var withdrawn = Spec().Given(Letter, Rendered).When(Withdraw).Then(Withdrawn);
        var queued = new LetterQueuedForPosting(Channels.RegisteredLetter, "Dupont SARL", new(["1 rue de la Paix"], "75002", "Paris", "FR"), "abc123", Now);
        Assert.Empty(CorrespondenceDecider.RecordQueuedForPosting(queued, withdrawn.State));
        Assert.NotEmpty(CorrespondenceDecider.RecordQueuedForPosting(queued, Spec().Given(Letter, Rendered).When(_ => []).State));
    }

    [Fact]
    public void A_withdrawal_after_the_reminder_left_or_while_its_provider_may_have_it_is_recorded_too_late_and_stops_nothing()
    {
        var sent = Spec().Given(Email, Rendered, Started, Sent).When(Withdraw);
        var late = Assert.IsType<CorrespondenceWithdrawalTooLate>(Assert.Single(sent.Events));
        Assert.Equal($"sent {Sent.SentAt:u}", late.Detail);
        Assert.Equal(CorrespondenceStatus.Sent, sent.State!.Status);

        var open = Assert.IsType<CorrespondenceWithdrawalTooLate>(Assert.Single(Spec().Given(Email, Rendered, Started).When(Withdraw).Events));
        Assert.Equal("the email provider may have it already", open.Detail);
        var unknown = new DispatchOutcomeUnknown(Channels.Email, AttemptId, "connection lost after DATA", Now);
        Assert.IsType<CorrespondenceWithdrawalTooLate>(Assert.Single(Spec().Given(Email, Rendered, Started, unknown).When(Withdraw).Events));

        var queued = new LetterQueuedForPosting(Channels.RegisteredLetter, "Dupont SARL", new(["1 rue de la Paix"], "75002", "Paris", "FR"), "abc123", Now);
        Assert.StartsWith("queued for posting", Assert.IsType<CorrespondenceWithdrawalTooLate>(Assert.Single(Spec().Given(Letter, Rendered, queued).When(Withdraw).Events)).Detail);

        // Said once: a repeated withdrawal records nothing more.
        Spec().Given(Email, Rendered, Started, Sent, late).When(Withdraw).Then();
    }

    [Fact]
    public void A_withdrawal_records_nothing_before_the_request_for_a_correspondence_that_never_leaves_or_when_repeated()
    {
        Spec().When(Withdraw).Then();
        Spec().Given(Email, Withdrawn).When(Withdraw).Then();
        Spec().Given(Email, new CorrespondenceAbandoned("too old", Now)).When(Withdraw).Then();
        Spec().Given(Email, new CorrespondenceRefused([new RefusalReason("Recipient", "no address")], Now)).When(Withdraw).Then();
        Spec().Given(Email, Rendered, Started, new CorrespondenceSendingFailed("550 no such user", Now) { AttemptId = AttemptId, Permanent = true }).When(Withdraw).Then();
    }

    [Fact]
    public void A_failed_attempt_that_will_be_tried_again_can_still_be_withdrawn()
    {
        var failed = new CorrespondenceSendingFailed("421 try again later", Now) { AttemptId = AttemptId };
        var outcome = Spec().Given(Email, Rendered, Started, failed).When(Withdraw).Then(Withdrawn);
        Assert.Equal(DispatchStep.Nothing, CorrespondenceDecider.NextStep(outcome.State!));
    }
}
