using Marten;
using MassTransit;
using Relance.ReminderService.DunningCases.RecordingNotDelivered;
using Relance.ServiceDefaults;
using Correspondence = Relance.Contracts.Correspondence;

namespace Relance.ReminderService.Integration.Incoming;

/// <summary>A reminder that did not reach the customer (bounced, undelivered, refused for good), from the Correspondence service, onto the case's trail.</summary>
public sealed class ReminderNotDeliveredConsumer(IDocumentSession session, TimeProvider clock, ILogger<ReminderNotDeliveredConsumer> logger)
    : IConsumer<Correspondence.ReminderNotDelivered>
{
    public Task Consume(ConsumeContext<Correspondence.ReminderNotDelivered> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        return RecordReminderNotDeliveredHandler.Handle(session,
            new RecordReminderNotDelivered(m.CaseId, m.ReminderId, m.Recipient, m.Kind, m.Reason, m.At, clock.GetUtcNow()), logger, context.CancellationToken);
    }
}
