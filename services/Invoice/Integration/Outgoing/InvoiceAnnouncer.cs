using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Relance.ServiceDefaults;
using Relance.InvoiceService.Invoices;
using Public = Relance.Contracts.Invoicing;

namespace Relance.InvoiceService.Integration.Outgoing;

/// <summary>
/// Announces invoice events to the other services from a Marten subscription: what is announced is exactly
/// what was committed, never a dual write. Delivery is at least once; the message id is the event id, so a
/// receiver recognises a repeat.
/// </summary>
public sealed class InvoiceAnnouncer(IBus bus) : SubscriptionBase
{
    public const string SubscriptionName = "invoice-announcements";

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellation)
    {
        foreach (var e in page.Events)
        {
            switch (e.Data)
            {
                case InvoiceIssued issued:
                    await Publish(e, ToPublic(issued), cancellation);
                    break;
                case PaymentReceived payment when payment.OutstandingAfter > 0:
                    var invoice = await Known(operations, e, cancellation);
                    await Publish(e, new Public.InvoicePartlyPaid(invoice.Issued.CompanyId, invoice.Issued.InvoiceNumber, invoice.Issued.Customer.CustomerId,
                        payment.PaymentId, payment.Amount, payment.OutstandingAfter, invoice.Issued.Currency, payment.ReceivedOn), cancellation);
                    break;
                case InvoiceSettled settled:
                    var paid = await Known(operations, e, cancellation);
                    await Publish(e, new Public.InvoiceSettled(paid.Issued.CompanyId, paid.Issued.InvoiceNumber, paid.Issued.Customer.CustomerId,
                        paid.Issued.Currency, settled.SettledOn), cancellation);
                    break;
            }
        }
        return NullChangeListener.Instance;
    }

    static Public.InvoiceRegistered ToPublic(InvoiceIssued issued) => new(
        issued.CompanyId, issued.InvoiceNumber, issued.Customer.CustomerId, issued.Customer.Name, issued.Customer.Email,
        issued.IssueDate, issued.DueDate, issued.AmountIncludingVat, issued.AmountIncludingVat, issued.Currency);

    static async Task<Invoice> Known(IDocumentOperations operations, IEvent e, CancellationToken cancellation) =>
        await operations.LoadAsync<Invoice>(e.StreamKey!, cancellation)
        ?? throw new InvalidOperationException($"invoice {e.StreamKey} has events but no state");

    Task Publish<T>(IEvent e, T message, CancellationToken cancellation) where T : class =>
bus.Publish(message, send => send.StampFrom(e), cancellation);
}
