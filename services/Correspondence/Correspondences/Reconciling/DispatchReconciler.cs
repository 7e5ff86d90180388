using Marten;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Correspondences.Reconciling;

/// <summary>The "Correspondence:Reconciler" configuration section.</summary>
public sealed record ReconcilerOptions
{
    public const string Section = "Correspondence:Reconciler";
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// At start and then every <see cref="ReconcilerOptions.Interval"/> (on the service's clock), carries on with every
/// correspondence left half-done: recorded but not dispatched (the process died before sending, or the message went
/// to its error queue after a failing provider), or with an attempt open (died between the provider's acceptance and
/// the record). It goes through <see cref="SendReminderHandler"/>, so it asks the provider before sending anything
/// again, and skips a correspondence someone is working on (its advisory lock is held).
/// </summary>
public sealed class DispatchReconciler(IServiceScopeFactory scopes, ReconcilerOptions options, TimeProvider clock, ILogger<DispatchReconciler> logger)
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
        var open = (await session.Query<Correspondence>()
                .Where(c => c.Sent == null && c.QueuedForPosting == null && c.OutcomeUnknown == null && (c.LastFailure == null || !c.LastFailure.Permanent))
                .ToListAsync(cancellation))
            .Where(c => c.Rendered is null || Channels.IsLetter(c.Request.Channel) || CorrespondenceDecider.NextStep(c) is DispatchStep.Send or DispatchStep.Lookup)
            .ToList();
        var handler = scope.ServiceProvider.GetRequiredService<SendReminderHandler>();
        var done = 0;
        foreach (var correspondence in open)
        {
            try
            {
                if (await handler.Handle(correspondence.Request, s => s.Attribute("system:reconciler", null, null), cancellation, wait: false)) done++;
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
