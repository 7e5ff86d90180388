using JasperFx.Events;
using Marten;
using MassTransit;
using Relance.InvoiceService.Invoices;
using Relance.ServiceDefaults;
using Public = Relance.Contracts.Invoicing;

namespace Relance.InvoiceService.Integration.Outgoing;

/// <summary>Announces accepted invoices, partial payments and settlements to the other services.</summary>
public sealed class InvoiceAnnouncer(IBus bus) : EventForwarder
{
    public const string SubscriptionName = "invoice-announcements";

    protected override async Task ForwardAsync(IEvent e, IDocumentOperations operations, CancellationToken cancellation)
    {
        switch (e.Data)
        {
            case InvoiceIssued issued:
                await Publish(e, new Public.InvoiceRegistered(
                    issued.CompanyId, issued.InvoiceNumber, issued.Customer.CustomerId, issued.Customer.Name, issued.Customer.Email,
                    issued.IssueDate, issued.DueDate, issued.AmountIncludingVat, issued.AmountIncludingVat, issued.Currency), cancellation);
                break;
            case PaymentReceived payment when payment.OutstandingAfter > 0:
                var invoice = (await StateOf<Invoice>(operations, e, cancellation)).Issued;
                await Publish(e, new Public.InvoicePartlyPaid(invoice.CompanyId, invoice.InvoiceNumber, invoice.Customer.CustomerId,
                    payment.PaymentId, payment.Amount, payment.OutstandingAfter, invoice.Currency, payment.ReceivedOn), cancellation);
                break;
            case InvoiceSettled settled:
                var paid = (await StateOf<Invoice>(operations, e, cancellation)).Issued;
                await Publish(e, new Public.InvoiceSettled(paid.CompanyId, paid.InvoiceNumber, paid.Customer.CustomerId,
                    paid.Currency, settled.SettledOn), cancellation);
                break;
        }
    }

    Task Publish<T>(IEvent e, T message, CancellationToken cancellation) where T : class =>
        bus.Publish(message, send => send.StampFrom(e), cancellation);
}
