using Marten;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Correspondences.Reconciling;

/// <summary>The "Correspondence:Reconciler" configuration section.</summary>
public sealed record ReconcilerOptions
{
    public const string Section = "Correspondence:Reconciler";
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Past this age, counted from the request, a correspondence still not dispatched is abandoned, never sent.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(3);

    /// <summary>The longest wait after a failure before trying again (the wait doubles with each failure, from twice <see cref="Interval"/>).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromHours(6);
}

/// <summary>
/// At start and then every <see cref="ReconcilerOptions.Interval"/> (on the service's clock), carries on with every
/// correspondence left half-done: recorded but not dispatched (the process died before sending, or the message went
/// to its error queue after a failing provider), or with an attempt open (died between the provider's acceptance and
/// the record). It goes through <see cref="SendReminderHandler"/>, so it asks the provider before sending anything
/// again, and skips a correspondence someone is working on (its advisory lock is held). What it does with each is
/// <see cref="CorrespondenceDecider.Reconcile"/>: one that failed waits for its backoff; one older than
/// <see cref="ReconcilerOptions.MaxAge"/> is recorded abandoned (and announced not delivered), never sent.
/// </summary>
public sealed class DispatchReconciler(IServiceScopeFactory scopes, IDocumentStore store, ReconcilerOptions options, TimeProvider clock, ILogger<DispatchReconciler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        // Off the start-up path: the host goes on starting the bus and the rest meanwhile.
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(stopping);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                logger.LogError(e, "Reconciling the correspondences left half-done failed; trying again in {Interval}", options.Interval);
            }
            try { await Task.Delay(options.Interval, clock, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One pass; returns how many correspondences it carried on with.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellation)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<IQuerySession>();
        var now = clock.GetUtcNow();
        var open = (await session.Query<Correspondence>()
                .Where(c => c.Sent == null && c.QueuedForPosting == null && c.OutcomeUnknown == null && (c.LastFailure == null || !c.LastFailure.Permanent)
                            && c.Abandoned == null && c.Refused == null && c.Withdrawn == null)
                .ToListAsync(cancellation))
            .Where(c => c.Rendered is null || Channels.IsLetter(c.Request.Channel) || CorrespondenceDecider.NextStep(c) is DispatchStep.Send or DispatchStep.Lookup)
            .Select(c => (Correspondence: c, Step: CorrespondenceDecider.Reconcile(c, now, options)))
            .Where(c => c.Step is ReconcileStep.CarryOn or ReconcileStep.Abandon)
            .ToList();
        var handler = scope.ServiceProvider.GetRequiredService<SendReminderHandler>();
        var done = 0;
        foreach (var (correspondence, step) in open)
        {
            try
            {
                if (step == ReconcileStep.Abandon)
                {
                    // Decided again on the stream as it is: a handler that started an attempt meanwhile wins (the
                    // commit of one of the two fails on the stream's version), and the attempt is looked up next pass.
                    await using var abandoning = store.LightweightSession();
                    abandoning.Attribute("system:reconciler", null, null);
                    if ((await abandoning.DecideAsync<Correspondence>(correspondence.Id, s => CorrespondenceDecider.Abandon(now, options, s), cancellation)).Count > 0)
                    {
                        logger.LogWarning("Correspondence {CorrespondenceId}, requested {RequestedAt}, was not dispatched within {MaxAge}: abandoned, not sent",
                            correspondence.Id, correspondence.Request.RequestedAt, options.MaxAge);
                        done++;
                    }
                }
                else if (await handler.Handle(correspondence.Request, s => s.Attribute("system:reconciler", null, null), cancellation, wait: false)) done++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Correspondence {CorrespondenceId} is still not dispatched; the next pass tries again", correspondence.Id);
            }
        }
        if (open.Count > 0) logger.LogInformation("Reconciled {Done} of {Open} correspondences left half-done", done, open.Count);
        return done;
    }
}
