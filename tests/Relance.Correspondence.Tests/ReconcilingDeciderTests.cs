using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.Reconciling;
using Relance.Testing;
using State = Relance.CorrespondenceService.Correspondences.Correspondence;

namespace Relance.Correspondence.Tests;

/// <summary>What the reconciler does with a correspondence left half-done: back off after failures, abandon one too old; a rendering refused after the request.</summary>
[Trait("Category", "Unit")]
public class ReconcilingDeciderTests
{
    static readonly DateTimeOffset RequestedAt = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    static readonly ReconcilerOptions Options = new() { Interval = TimeSpan.FromMinutes(5), MaxAge = TimeSpan.FromDays(3), MaxBackoff = TimeSpan.FromHours(6) };
    static readonly Guid AttemptId = Guid.Parse("11111111-2222-3333-4444-555555555555");

    static readonly CorrespondenceRequested Email = new(
        Guid.Parse("7d0c1f7e-6a3b-4b53-8d3e-2f1c9a8b7e10"), "ACME/C1/EUR", "ACME", "first-reminder", Channels.Email,
        new Recipient("C1", "Dupont SARL", "compta@dupont.fr"),
        [new ChasedInvoice("F-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR")], new(2026, 11, 2), RequestedAt);
    static readonly CorrespondenceRendered Rendered = new("first-reminder/fr/v1", "Relance", "MIME", "abc123", RequestedAt);
    static readonly DispatchStarted Started = new(Channels.Email, AttemptId, RequestedAt.AddMinutes(1));

    static CorrespondenceSendingFailed Failed(DateTimeOffset at) => new("421 try again later", at) { AttemptId = AttemptId };

    static State Fold(params object[] events) => events.Aggregate((State?)null, CorrespondenceEvolution.Evolve)!;

    static ReconcileStep Reconcile(DateTimeOffset now, params object[] events) => CorrespondenceDecider.Reconcile(Fold(events), now, Options);

    static DeciderSpec<State> Spec() => new(CorrespondenceEvolution.Evolve);

    [Fact]
    public void The_wait_after_a_failure_doubles_with_each_failure_up_to_the_maximum()
    {
        Assert.Equal(
            [TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(40), TimeSpan.FromMinutes(320), TimeSpan.FromHours(6), TimeSpan.FromHours(6)],
            new[] { 1, 2, 3, 6, 7, 100_000 }.Select(n => CorrespondenceDecider.Backoff(n, Options)));
    }

    [Fact]
    public void A_correspondence_that_failed_is_not_tried_again_before_its_backoff_is_over()
    {
        var first = RequestedAt.AddMinutes(2);
        Assert.Equal(ReconcileStep.CarryOn, Reconcile(RequestedAt.AddMinutes(5), Email));
        Assert.Equal(ReconcileStep.CarryOn, Reconcile(RequestedAt.AddMinutes(5), Email, Rendered));
        Assert.Equal(ReconcileStep.Wait, Reconcile(first.AddMinutes(9), Email, Rendered, Started, Failed(first)));
        Assert.Equal(ReconcileStep.CarryOn, Reconcile(first.AddMinutes(10), Email, Rendered, Started, Failed(first)));

        // Refused for hours: eight failures, the last at 20:00, wait the six hours of the maximum.
        var last = RequestedAt.Date.AddHours(20);
        object[] eight = [Email, Rendered, .. Enumerable.Repeat<object[]>([Started, Failed(RequestedAt)], 7).SelectMany(x => x), Started, Failed(new(last, TimeSpan.Zero))];
        Assert.Equal(8, Fold(eight).Failures);
        Assert.Equal(ReconcileStep.Wait, Reconcile(new DateTimeOffset(last, TimeSpan.Zero).AddHours(6).AddSeconds(-1), eight));
        Assert.Equal(ReconcileStep.CarryOn, Reconcile(new DateTimeOffset(last, TimeSpan.Zero).AddHours(6), eight));
    }

    [Fact]
    public void A_correspondence_older_than_the_maximum_age_is_abandoned_unless_an_attempt_is_open_or_nothing_is_left_to_do()
    {
        var late = RequestedAt + Options.MaxAge + TimeSpan.FromSeconds(1);
        Assert.Equal(ReconcileStep.CarryOn, Reconcile(RequestedAt + Options.MaxAge, Email, Rendered));
        Assert.Equal(ReconcileStep.Abandon, Reconcile(late, Email));
        Assert.Equal(ReconcileStep.Abandon, Reconcile(late, Email, Rendered));
        // Abandoned, not waited for: backing off does not keep a stale one alive.
        Assert.Equal(ReconcileStep.Abandon, Reconcile(late, Email, Rendered, Started, Failed(late.AddMinutes(-1))));
        // The provider may have it: asked first.
        Assert.Equal(ReconcileStep.CarryOn, Reconcile(late, Email, Rendered, Started));

        Assert.Equal(ReconcileStep.Leave, Reconcile(late, Email, Rendered, Started, new DispatchOutcomeUnknown(Channels.Email, AttemptId, "plain SMTP cannot be asked", RequestedAt)));
        Assert.Equal(ReconcileStep.Leave, Reconcile(late, Email, Rendered, Started, new CorrespondenceSent(Channels.Email, "compta@dupont.fr", "250 OK", "abc123", RequestedAt)));
        Assert.Equal(ReconcileStep.Leave, Reconcile(late, Email, Rendered, Started, Failed(RequestedAt) with { Permanent = true }));
        Assert.Equal(ReconcileStep.Leave, Reconcile(late, Email, Rendered, new CorrespondenceAbandoned("too old", late)));
        Assert.Equal(ReconcileStep.Leave, Reconcile(late, Email, new CorrespondenceRefused([new("Sms", "too long")], RequestedAt)));
    }

    [Fact]
    public void A_failure_stored_before_attempts_were_recorded_reads_as_not_permanent_and_is_abandoned_when_old()
    {
        var legacy = new CorrespondenceSendingFailed("SMTP server unavailable", RequestedAt.AddMinutes(1));
        Assert.Equal(DispatchStep.Send, CorrespondenceDecider.NextStep(Fold(Email, Rendered, legacy)));
        Assert.Equal(ReconcileStep.Abandon, Reconcile(RequestedAt.AddMonths(4), Email, Rendered, legacy));
    }

    [Fact]
    public void Abandoning_is_recorded_once_then_nothing_is_rendered_or_sent()
    {
        var late = RequestedAt.AddDays(4);
        var abandoned = new CorrespondenceAbandoned($"not dispatched within {Options.MaxAge} of its request ({RequestedAt:u}): too old to send", late);
        var outcome = Spec().Given(Email, Rendered).When(s => CorrespondenceDecider.Abandon(late, Options, s)).Then(abandoned);
        Assert.Equal(CorrespondenceStatus.Abandoned, outcome.State!.Status);
        Assert.Equal(DispatchStep.Nothing, CorrespondenceDecider.NextStep(outcome.State));

        Spec().Given(Email, Rendered, abandoned).When(s => CorrespondenceDecider.Abandon(late.AddDays(1), Options, s)).Then();
        Spec().Given(Email, Rendered, abandoned).When(s => CorrespondenceDecider.Start(Started, s)).Then();
        Spec().Given(Email, abandoned).When(s => CorrespondenceDecider.Render(Rendered, s)).Then();
        Spec().Given(Email, Rendered).When(s => CorrespondenceDecider.Abandon(RequestedAt.AddDays(2), Options, s)).Then();
        Spec().Given(Email, Rendered, Started).When(s => CorrespondenceDecider.Abandon(late, Options, s)).Then();
        Spec().Given().When(s => CorrespondenceDecider.Abandon(late, Options, s)).Then();
    }

    [Fact]
    public void A_rendering_refused_after_the_request_is_recorded_once_with_its_reasons_and_nothing_follows()
    {
        var at = RequestedAt.AddMinutes(3);
        (string, string)[] reasons = [("Sms", "the text is 171 characters; an SMS holds 160"), ("Sender.Addresses", "no address for company ACME")];
        var refused = new CorrespondenceRefused([new("Sms", "the text is 171 characters; an SMS holds 160"), new("Sender.Addresses", "no address for company ACME")], at);

        var outcome = Spec().Given(Email).When(s => CorrespondenceDecider.RefuseRendering(reasons, at, s)).Then(refused);
        Assert.Equal(CorrespondenceStatus.Refused, outcome.State!.Status);
        Assert.Equal(DispatchStep.Nothing, CorrespondenceDecider.NextStep(outcome.State));
        Assert.Equal(ReconcileStep.Leave, CorrespondenceDecider.Reconcile(outcome.State, at.AddDays(1), Options));

        Spec().Given(Email, refused).When(s => CorrespondenceDecider.RefuseRendering(reasons, at.AddMinutes(5), s)).Then();
        Spec().Given(Email, refused).When(s => CorrespondenceDecider.Render(Rendered, s)).Then();
        Spec().Given(Email, Rendered).When(s => CorrespondenceDecider.RefuseRendering(reasons, at, s)).Then();
        Spec().Given().When(s => CorrespondenceDecider.RefuseRendering(reasons, at, s)).Then();
    }
}
