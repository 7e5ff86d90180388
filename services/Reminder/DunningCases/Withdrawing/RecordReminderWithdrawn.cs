using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.Withdrawing;

/// <summary>The Correspondence service's answer to a recall: the reminder never left (<c>withdrawn</c>).</summary>
public sealed record RecordReminderWithdrawn(string CaseId, Guid ReminderId, string Reason, DateTimeOffset WithdrawnAt);

public static class RecordReminderWithdrawnHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, RecordReminderWithdrawn command, CancellationToken cancellation) =>
        session.DecideAsync<DunningCase>(command.CaseId, state => ReminderRecall.RecordWithdrawn(command.ReminderId, command.Reason, command.WithdrawnAt, state), cancellation);
}
