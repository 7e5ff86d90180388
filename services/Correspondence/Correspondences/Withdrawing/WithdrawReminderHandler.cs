using Marten;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Correspondences.Withdrawing;

/// <summary>
/// Withdraws a reminder the Reminder service no longer wants sent. The notice (<see cref="RecalledReminder"/>) is
/// committed first, without waiting for the correspondence's lock: whoever is carrying the correspondence out looks for
/// it just before it leaves. Then, under the lock, the correspondence's stream records the withdrawal or that it came
/// too late. A request not recorded yet is withdrawn when it comes. At least once: a repeat changes nothing.
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

        await using var held = await CorrespondenceLock.TakeAsync(store, reminderId, wait: true, cancellation);
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
}
