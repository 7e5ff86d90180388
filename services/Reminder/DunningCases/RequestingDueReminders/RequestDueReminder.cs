using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.RequestingDueReminders;

/// <summary>Ask for the reminder a case is due, if it is due at <see cref="Now"/>. The id is chosen by the caller.</summary>
public sealed record RequestDueReminder(Guid ReminderId, DateTimeOffset Now);

public static class RequestDueReminderHandler
{
    public static Task<IReadOnlyList<object>> Handle(
        IDocumentSession session, string caseId, RequestDueReminder command, DunningPolicy policy, CancellationToken cancellation) =>
        session.DecideAsync<DunningCase>(caseId, state => DunningCaseDecider.Decide(command, state, policy), cancellation);
}
