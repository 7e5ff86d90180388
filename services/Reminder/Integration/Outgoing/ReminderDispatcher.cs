using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Relance.ServiceDefaults;
using Relance.ReminderService.DunningCases;
using Correspondence = Relance.Contracts.Correspondence;

namespace Relance.ReminderService.Integration.Outgoing;

/// <summary>
/// Hands each requested reminder to the Correspondence service, from a Marten subscription: a reminder is
/// sent for exactly the requests committed. At least once: the message id is the event id, and the
/// Correspondence service keys its work by the reminder id.
/// </summary>
public sealed class ReminderDispatcher(IBus bus) : SubscriptionBase
{
    public const string SubscriptionName = "reminder-dispatch";

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellation)
    {
        var correspondence = await bus.GetSendEndpoint(new Uri($"queue:{Correspondence.CorrespondenceTopology.SendReminderQueue}"));
        foreach (var e in page.Events)
        {
            if (e.Data is not ReminderRequested requested) continue;
            var dunningCase = await operations.LoadAsync<DunningCase>(e.StreamKey!, cancellation)
                ?? throw new InvalidOperationException($"case {e.StreamKey} has events but no state");

            await correspondence.Send(new Correspondence.SendReminder(
                requested.ReminderId,
                dunningCase.Id,
                dunningCase.CompanyId,
                requested.Step,
                new Correspondence.ReminderRecipient(requested.Recipient.CustomerId, requested.Recipient.Name, requested.Recipient.Email),
                [.. requested.Invoices.Select(i => new Correspondence.ReminderInvoice(i.InvoiceNumber, i.IssueDate, i.DueDate, i.Outstanding, dunningCase.Currency))],
                DateOnly.FromDateTime(requested.RequestedAt.UtcDateTime)), send => send.StampFrom(e), cancellation);
        }
        return NullChangeListener.Instance;
    }
}
