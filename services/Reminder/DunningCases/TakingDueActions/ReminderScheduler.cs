using Marten;
using JasperFx;
using JasperFx.Events;
using Marten.Exceptions;
using Relance.ReminderService.LatePayment;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.TakingDueActions;

public sealed record SchedulerOptions
{
    /// <summary>How often the clock is read to look for due cases.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many due cases one pass reads at most; a run makes passes until none is due.</summary>
    public int BatchSize { get; init; } = 5000;

    /// <summary>How many cases are committed together (one round trip, each stream checked for its version).</summary>
    public int CommitSize { get; init; } = 200;

    /// <summary>How many commits run at once.</summary>
    public int Parallelism { get; init; } = 4;
}

/// <summary>What one case would do, or did, at a run; or why it could not be decided.</summary>
public sealed record CaseDecision(string CaseId, long Version, IReadOnlyList<object> Events, Exception? Error = null);

/// <summary>
/// The passage of time: on every tick of the injected clock, takes the cases whose next action is due from
/// the projection (the indexed NextActionAt column), decides on each, and appends what was decided. Several
/// instances may run at once: each case's events are appended expecting the version the decision was made
/// on, so a case is acted on once and the loser of a race finds nothing due. A crash loses nothing (the case
/// stays due until its decision is committed) and repeats nothing (the decision is committed or not at all).
/// </summary>
public sealed class ReminderScheduler(
    IDocumentStore store, TimeProvider clock, SchedulerOptions options, LatePaymentLaw law, ILogger<ReminderScheduler> logger) : BackgroundService
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
                logger.LogError(e, "The dunning run failed; it will try again at the next tick");
            }
            await Task.Delay(options.PollInterval, clock, stoppingToken);
        }
    }

    /// <summary>One run at the clock's time: returns how many events were appended.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var run = Guid.NewGuid().ToString();
        var appended = 0;
        var failed = new HashSet<string>();
        while (!cancellation.IsCancellationRequested)
        {
            string[] excluded;
            lock (failed) excluded = [.. failed];
            var due = await Preview.DueCaseIdsAsync(store, now, options.BatchSize, excluded.ToHashSet(), cancellation);
            if (due.Count == 0) break;
            // Each chunk reads its cases, decides and appends in one session: see CommitAsync.
            var counts = new List<int>();
            await Parallel.ForEachAsync(due.Chunk(options.CommitSize), new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellation },
                async (chunk, token) =>
                {
                    var count = await CommitAsync(chunk, run, now, failed, token);
                    lock (counts) counts.Add(count);
                });
            appended += counts.Sum();
            // Another pass only while this one acted: what is due but idle waits for a later tick.
            if (due.Count < options.BatchSize || counts.Sum() == 0) break;
        }
        if (appended > 0) logger.LogInformation("The dunning run at {Now} appended {Count} events", now, appended);
        return appended;
    }

    async Task<int> CommitAsync(string[] caseIds, string run, DateTimeOffset now, HashSet<string> failed, CancellationToken cancellation)
    {
        List<CaseDecision> acted = [];
        try
        {
            await using var session = store.LightweightSession();
            // The cases are read in the session that appends to them, through its identity map: the inline projection
            // then applies the new events to these very documents instead of loading each again (Marten's
            // UseIdentityMapForAggregates, on by default). Safe because nothing here changes a case but its events.
            session.UseIdentityMapFor<DunningCase>();
            session.Attribute("system:dunning-scheduler", run, null);
            var cases = await session.LoadManyAsync<DunningCase>(cancellation, caseIds);
            var decisions = cases.Select(c => Preview.Decide(c, now, law)).ToList();
            // A case that cannot be decided (e.g. a legal figure missing for its dates) waits, loudly, without holding back the others.
            foreach (var broken in decisions.Where(d => d.Error is not null))
                logger.LogError(broken.Error, "Could not decide the action due for case {CaseId}; the next tick tries again", broken.CaseId);
            // Due but with nothing to do at this moment (outside the sending hours), or gone since the ids were read: left for a later tick.
            lock (failed)
            {
                foreach (var idle in decisions.Where(d => d.Events.Count == 0)) failed.Add(idle.CaseId);
                foreach (var gone in caseIds.Except(cases.Select(c => c.Id))) failed.Add(gone);
            }
            acted = [.. decisions.Where(d => d.Error is null && d.Events.Count > 0)];
            if (acted.Count == 0) return 0;
            // Each case's events are appended expecting the version the decision was made on.
            foreach (var decision in acted)
                session.Events.Append(decision.CaseId, decision.Version + decision.Events.Count, decision.Events.ToArray());
            await session.SaveChangesAsync(cancellation);
            return acted.Sum(d => d.Events.Count);
        }
        catch (Exception e) when (IsConflict(e))
        {
            // One case moved on since it was read (a payment, another scheduler): decide each case again alone.
            var count = 0;
            foreach (var decision in acted) count += await CommitOneAsync(decision.CaseId, run, now, failed, cancellation);
            return count;
        }
    }

    // Marten reports one stream's conflict as such, several at once as an aggregate of them.
    static bool IsConflict(Exception e) => e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException
        || (e is AggregateException aggregate && aggregate.InnerExceptions.All(IsConflict));

    async Task<int> CommitOneAsync(string caseId, string run, DateTimeOffset now, HashSet<string> failed, CancellationToken cancellation)
    {
        try
        {
            await using var session = store.LightweightSession();
            session.Attribute("system:dunning-scheduler", run, null);
            var events = await session.DecideAsync<DunningCase>(caseId, state => DunningCaseDecider.Decide(new TakeDueActions(Guid.NewGuid(), now), state, law), cancellation);
            if (events.Count == 0) lock (failed) failed.Add(caseId);
            return events.Count;
        }
        catch (Exception e) when (IsConflict(e))
        {
            logger.LogInformation("Case {CaseId} changed while its action was being decided; the next tick looks again", caseId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One case that cannot be decided must not hold back every case due after it.
            logger.LogError(e, "Could not take the action due for case {CaseId}; the next tick tries again", caseId);
        }
        lock (failed) failed.Add(caseId);
        return 0;
    }
}
