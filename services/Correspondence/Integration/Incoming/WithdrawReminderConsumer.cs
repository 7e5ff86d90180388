using MassTransit;
using Relance.CorrespondenceService.Correspondences.Withdrawing;
using Relance.ServiceDefaults;
using Messages = Relance.Contracts.Correspondence;

namespace Relance.CorrespondenceService.Integration.Incoming;

/// <summary>The Reminder service's <see cref="Messages.WithdrawReminder"/>, from its own queue.</summary>
public sealed class WithdrawReminderConsumer(WithdrawReminderHandler handler) : IConsumer<Messages.WithdrawReminder>
{
    public async Task Consume(ConsumeContext<Messages.WithdrawReminder> context)
    {
        var m = context.Message;
        var reasons = new List<(string Field, string Error)>();
        if (m.ReminderId == Guid.Empty) reasons.Add(("ReminderId", "missing: the reminder to withdraw"));
        if (string.IsNullOrWhiteSpace(m.CaseId)) reasons.Add(("CaseId", "missing"));
        if (m.RecalledAt == default) reasons.Add(("RecalledAt", "missing"));
        if (reasons.Count > 0) throw new MessageRejectedException(reasons);
        await handler.Handle(m.ReminderId, m.CaseId, new Withdrawal(string.IsNullOrWhiteSpace(m.Reason) ? "withdrawn by the Reminder service" : m.Reason, m.RecalledAt),
            session => session.AttributeTo(context), context.CancellationToken);
    }
}
