using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.RecordingReminderSent;

/// <summary>Record, in the case's proof trail, that a requested reminder actually left, with the hash of what was sent.</summary>
public sealed record RecordReminderSent(
    string CaseId,
    Guid ReminderId,
    string Channel,
    string Recipient,
    DateTimeOffset SentAt,
    string ContentSha256);

public static class RecordReminderSentHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, RecordReminderSent command, CancellationToken cancellation) =>
        session.DecideAsync<DunningCase>(command.CaseId, state => DunningCaseDecider.Decide(command, state), cancellation);
}
