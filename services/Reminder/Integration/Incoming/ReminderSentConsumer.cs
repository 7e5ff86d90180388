using Marten;
using MassTransit;
using Relance.ReminderService.DunningCases.RecordingReminderSent;
using Relance.ServiceDefaults;
using Correspondence = Relance.Contracts.Correspondence;

namespace Relance.ReminderService.Integration.Incoming;

public sealed class ReminderSentConsumer(IDocumentSession session) : IConsumer<Correspondence.ReminderSent>
{
    public Task Consume(ConsumeContext<Correspondence.ReminderSent> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        return RecordReminderSentHandler.Handle(session,
            new RecordReminderSent(m.CaseId, m.ReminderId, m.Channel, m.Recipient, m.SentAt, m.ContentSha256),
            context.CancellationToken);
    }
}
