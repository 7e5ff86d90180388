using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.RecordingNotDelivered;

/// <summary>Record on the case's trail that one of its reminders did not reach the customer, as the Correspondence service reported it.</summary>
/// <param name="Kind">bounced, delivery-failed, returned, refused, expired…: only some make an address avoided.</param>
/// <param name="At">When it failed, by the provider's report.</param>
public sealed record RecordReminderNotDelivered(
    string CaseId,
    Guid ReminderId,
    string Recipient,
    string Kind,
    string Reason,
    DateTimeOffset At,
    DateTimeOffset Now);

public static class RecordReminderNotDeliveredHandler
{
    public static async Task<IReadOnlyList<object>> Handle(IDocumentSession session, RecordReminderNotDelivered command, ILogger logger, CancellationToken cancellation)
    {
        DunningCase? seen = null;
        var events = await session.DecideAsync<DunningCase>(command.CaseId, state =>
        {
            seen = state;
            return DunningCaseDecider.Decide(command, state);
        }, cancellation);
        // Not an error to retry: news of a reminder the case never asked for will not become true by waiting.
        if (events.Count == 0 && seen?.Requested.Exists(r => r.ReminderId == command.ReminderId) != true)
            logger.LogWarning("Reminder {ReminderId} reported {Kind} is not one case {CaseId} asked for: ignored", command.ReminderId, command.Kind, command.CaseId);
        return events;
    }
}
