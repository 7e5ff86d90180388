using Marten;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Correspondences.Withdrawing;

/// <summary>
/// Withdraws a reminder the Reminder service no longer wants sent. The notice (<see cref="RecalledReminder"/>) is
/// committed first, without the correspondence's lock: whoever is carrying the correspondence out looks for it just
/// before it leaves, and once it has left. Then, if the lock is free (within a moment), the correspondence's stream
/// records the withdrawal or that it came too late; if not, its holder does. A request not recorded yet is withdrawn
/// when it comes. At least once: a repeat changes nothing.
/// </summary>
public sealed class WithdrawReminderHandler(IDocumentStore store, QueuedWithdrawals queued, TimeProvider clock, ILogger<WithdrawReminderHandler> logger)
{
    public async Task Handle(Guid reminderId, string caseId, Withdrawal withdrawal, Action<IDocumentSession> attribute, CancellationToken cancellation)
    {
        var id = reminderId.ToString();
        // Counted until the notice is committed, not beyond: a sender waits for that (QueuedWithdrawals) while it holds
        // the correspondence's lock, which the rest of this handling then waits for.
        using (queued.Handling())
        await using (var noticing = store.LightweightSession())
        {
            if (await noticing.LoadAsync<RecalledReminder>(id, cancellation) is null)
            {
                noticing.Store(new RecalledReminder(id, caseId, withdrawal.Reason, withdrawal.RecalledAt, clock.GetUtcNow()));
                await noticing.SaveChangesAsync(cancellation);
            }
        }

        // Whoever holds the correspondence is carrying it out: it looks for the notice before it leaves, and after (too
        // late). Waiting for it here would keep a withdrawal taken from the queue while that holder waits for the queue.
        await using var held = await TakeSoon(reminderId, cancellation);
        if (held is null)
        {
            logger.LogInformation("Correspondence {CorrespondenceId} is being carried out: its withdrawal is left to it", id);
            return;
        }
        await using var session = store.LightweightSession();
        attribute(session);
        var recorded = await session.DecideAsync<Correspondence>(id, s => CorrespondenceDecider.Withdraw(withdrawal, clock.GetUtcNow(), s), cancellation);
        foreach (var e in recorded)
            switch (e)
            {
                case CorrespondenceWithdrawn:
                    logger.LogInformation("Correspondence {CorrespondenceId} withdrawn before it left: {Reason}", id, withdrawal.Reason);
                    break;
                case CorrespondenceWithdrawalTooLate late:
                    logger.LogWarning("Correspondence {CorrespondenceId} could not be withdrawn ({Reason}): {Detail}", id, withdrawal.Reason, late.Detail);
                    break;
            }
    }

    async Task<CorrespondenceLock?> TakeSoon(Guid reminderId, CancellationToken cancellation)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (await CorrespondenceLock.TakeAsync(store, reminderId, wait: false, cancellation) is { } held) return held;
            await Task.Delay(50, cancellation);
        }
        return null;
    }
}
