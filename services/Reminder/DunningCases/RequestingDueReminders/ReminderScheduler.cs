using JasperFx;
using Marten;
using Marten.Exceptions;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.RequestingDueReminders;

public sealed record SchedulerOptions
{
    /// <summary>How often the clock is read to look for due cases.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many due cases one run takes at most; the next run takes the rest.</summary>
    public int BatchSize { get; init; } = 500;
}

/// <summary>
/// The passage of time: on every tick of the injected clock, takes the cases whose next reminder is due
/// from the projection and asks each for its reminder. Several instances may run: each case's decision is
/// appended with optimistic concurrency on the stream version, so a case is acted on once; a crash loses
/// nothing, as the case stays due until its reminder is recorded.
/// </summary>
public sealed class ReminderScheduler(
    IDocumentStore store, TimeProvider clock, SchedulerOptions options, DunningPolicy policy, ILogger<ReminderScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The reminder scheduler's run failed; it will try again at the next tick");
            }
            await Task.Delay(options.PollInterval, clock, stoppingToken);
        }
    }

    public async Task<int> RunOnceAsync(CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        IReadOnlyList<string> due;
        await using (var query = store.QuerySession())
        {
            due = await query.Query<DunningCase>()
                .Where(c => c.NextReminderAt != null && c.NextReminderAt <= now)
                .OrderBy(c => c.NextReminderAt)
                .Select(c => c.Id)
                .Take(options.BatchSize)
                .ToListAsync(cancellation);
        }

        var requested = 0;
        var run = Guid.NewGuid().ToString();
        foreach (var caseId in due)
        {
            await using var session = store.LightweightSession();
            session.Attribute("system:reminder-scheduler", run, null);
            try
            {
                var events = await RequestDueReminderHandler.Handle(session, caseId, new RequestDueReminder(Guid.NewGuid(), now), policy, cancellation);
                requested += events.Count;
            }
            catch (ConcurrencyException)
            {
                logger.LogInformation("Case {CaseId} changed while its reminder was being decided; the next tick looks again", caseId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One case that cannot be decided must not hold back every case due after it.
                logger.LogError(e, "Could not request the reminder due for case {CaseId}; the next tick tries again", caseId);
            }
        }
        if (requested > 0) logger.LogInformation("Requested {Count} reminders at {Now}", requested, now);
        return requested;
    }
}
