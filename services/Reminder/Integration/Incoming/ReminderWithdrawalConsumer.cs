using Marten;
using MassTransit;
using Relance.ReminderService.DunningCases.Withdrawing;
using Relance.ServiceDefaults;
using Correspondence = Relance.Contracts.Correspondence;

namespace Relance.ReminderService.Integration.Incoming;

/// <summary>
/// The Correspondence service's answer to a recall: withdrawn (never left) goes on the case's trail and the step counts
/// as not taken; too late changes nothing here, its <see cref="Correspondence.ReminderSent"/> tells what left.
/// </summary>
public sealed class ReminderWithdrawalConsumer(IDocumentSession session, ILogger<ReminderWithdrawalConsumer> logger)
    : IConsumer<Correspondence.ReminderWithdrawalAnswered>
{
    public async Task Consume(ConsumeContext<Correspondence.ReminderWithdrawalAnswered> context)
    {
        var m = context.Message;
        if (m.Outcome != Correspondence.ReminderWithdrawalOutcomes.Withdrawn)
        {
            logger.LogWarning("Reminder {ReminderId} of case {CaseId} was recalled too late: {Detail}", m.ReminderId, m.CaseId, m.Detail);
            return;
        }
        session.AttributeTo(context);
        await RecordReminderWithdrawnHandler.Handle(session, new RecordReminderWithdrawn(m.CaseId, m.ReminderId, m.Detail, m.AnsweredAt), context.CancellationToken);
    }
}
