using JasperFx.Events;
using Marten;
using MassTransit;
using Relance.Contracts.Erp;
using Relance.ReminderService.DunningCases;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.Integration.Outgoing;

/// <summary>Tells the ERPs each reminder action taken (step, channel, date, invoices), once it really left.</summary>
public sealed class ReminderActionsToErp(IBus bus) : EventForwarder
{
    public const string SubscriptionName = "reminder-actions-to-erp";

    protected override async Task ForwardAsync(IEvent e, IDocumentOperations operations, CancellationToken cancellation)
    {
        if (e.Data is not ReminderSent sent) return;
        var dunningCase = await StateOf<DunningCase>(operations, e, cancellation);
        var history = await operations.Events.FetchStreamAsync(e.StreamKey!, token: cancellation);
        var requested = history.Select(h => h.Data).OfType<ReminderRequested>().Single(r => r.ReminderId == sent.ReminderId);
        // Only the invoices it really listed when it left.
        var leftOut = history.Select(h => h.Data).OfType<ReminderNarrowed>().Where(n => n.ReminderId == sent.ReminderId).SelectMany(n => n.LeftOut).ToHashSet();

        await bus.PublishToErps(new ErpReminderActionTaken(
            dunningCase.CompanyId, dunningCase.Customer.CustomerId, dunningCase.Id, sent.ReminderId, requested.Step, sent.Channel, sent.Recipient,
            [.. requested.Invoices.Where(i => !leftOut.Contains(i.InvoiceNumber)).Select(i => new ErpRemindedInvoice(i.InvoiceNumber, i.Outstanding, dunningCase.Currency))],
            sent.SentAt, sent.ContentSha256), send => send.StampFrom(e), cancellation);
    }
}
