using MassTransit;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.ServiceDefaults;
using Messages = Relance.Contracts.Correspondence;

namespace Relance.CorrespondenceService.Integration.Incoming;

public sealed class SendReminderConsumer(SendReminderHandler handler, TimeProvider clock) : IConsumer<Messages.SendReminder>
{
    public Task Consume(ConsumeContext<Messages.SendReminder> context)
    {
        var m = context.Message;
        var request = new CorrespondenceRequested(
            m.ReminderId, m.CaseId, m.CompanyId, m.Step, "email",
            new Recipient(m.Recipient.CustomerId, m.Recipient.Name, m.Recipient.Email),
            [.. m.Invoices.Select(i => new ChasedInvoice(i.InvoiceNumber, i.IssueDate, i.DueDate, i.Outstanding, i.Currency))],
            m.AsOf, clock.GetUtcNow());
        return handler.Handle(request, session => session.AttributeTo(context), context.CancellationToken);
    }
}
