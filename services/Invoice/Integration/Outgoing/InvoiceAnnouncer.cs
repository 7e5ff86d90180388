using JasperFx.Events;
using Marten;
using MassTransit;
using Relance.InvoiceService.Invoices;
using Relance.ServiceDefaults;
using Public = Relance.Contracts.Invoicing;

namespace Relance.InvoiceService.Integration.Outgoing;

/// <summary>
/// Announces customers, accepted invoices (and the documents sent with them) and every change of what is owed on them to
/// the other services: one customer's messages in the order they were committed (the Reminder service handles them in
/// the order they arrive), different customers' side by side.
/// </summary>
public sealed class InvoiceAnnouncer(IBus bus) : KeyOrderedForwarder
{
    public const string SubscriptionName = "invoice-announcements";

    protected override async Task<Outgoing?> RouteAsync(IEvent e, IDocumentOperations operations, CancellationToken cancellation)
    {
        if (e.Data is Customers.CustomerRecorded customer)
        {
            var address = customer.Addresses.FirstOrDefault(a => a.Kind == "billing")
                ?? customer.Addresses.FirstOrDefault(a => a.Kind == "head-office") ?? customer.Addresses.FirstOrDefault();
            var updated = new Public.CustomerUpdated(customer.CompanyId, customer.CustomerId, customer.LegalName, customer.ReminderEmail,
                customer.PreferredLanguage, customer.PreferredChannel, customer.DunningHold?.Reason, customer.DunningHold?.Until)
            {
                Contacts = [.. customer.Contacts.Select(c => new Public.CustomerContactInfo(c.Role, c.Name, c.Email, c.Phone))],
                PostalAddress = address is null ? null : new Public.CustomerPostalAddress(address.Lines, address.PostalCode, address.City, address.Country),
                AccountManager = customer.AccountManager is { } manager ? new Public.CustomerContactInfo(manager.Role, manager.Name, manager.Email, manager.Phone) : null,
                Segment = customer.Segment,
            };
            return new(Customer(customer.CompanyId, customer.CustomerId), token => Publish(e, updated, token));
        }

        if (e.Data is InvoiceIssued issued)
        {
            var registered = new Public.InvoiceRegistered(
                issued.CompanyId, issued.InvoiceNumber, issued.Customer.CustomerId, issued.Customer.Name, issued.Customer.Email,
                issued.IssueDate, issued.DueDate, issued.AmountIncludingVat, issued.AmountIncludingVat, issued.Currency)
            {
                LatePenaltyRatePercent = issued.LatePenaltyRatePercent,
                PaymentClause = issued.PaymentClause,
            };
            var documents = issued.Documents.Count == 0 ? null
                : new Public.InvoiceDocumentsRegistered(issued.CompanyId, issued.InvoiceNumber, issued.Customer.CustomerId,
                    [.. issued.Documents.Select(d => new Public.InvoiceDocumentInfo(d.Kind, d.Name, d.MediaType, d.Url, d.ContentBase64))]);
            return new(Customer(issued.CompanyId, issued.Customer.CustomerId), async token =>
            {
                await Publish(e, registered, token);
                if (documents is not null) await Publish(e, documents, token);
            });
        }

        var change = e.Data switch
        {
            PaymentReceived p when p.OutstandingAfter > 0 => (p.OutstandingAfter, (DateOnly?)null, "payment"),
            CreditNoteApplied c when c.OutstandingAfter > 0 => (c.OutstandingAfter, null, "credit-note"),
            InvoiceCorrected c when c.OutstandingAfter > 0 => (c.OutstandingAfter, c.DueDate, "correction"),
            _ => ((decimal, DateOnly?, string)?)null,
        };
        if (change is null && e.Data is not (InvoiceSettled or InvoiceCancelled or DisputeOpened or DisputeClosed)) return null;

        var invoice = await StateOf<Invoice>(operations, e, cancellation);
        var known = invoice.Issued!;
        object message = e.Data switch
        {
            InvoiceSettled settled => new Public.InvoiceSettled(known.CompanyId, known.InvoiceNumber, known.Customer.CustomerId, known.Currency, settled.SettledOn),
            InvoiceCancelled cancelled => new Public.InvoiceCancelled(known.CompanyId, known.InvoiceNumber, known.Customer.CustomerId, known.Currency, cancelled.Reason),
            DisputeOpened opened => new Public.InvoiceDisputed(known.CompanyId, known.InvoiceNumber, known.Customer.CustomerId, known.Currency, opened.DisputeId, opened.Reason),
            DisputeClosed closed => new Public.InvoiceDisputeClosed(known.CompanyId, known.InvoiceNumber, known.Customer.CustomerId, known.Currency, closed.DisputeId, closed.Resolution),
            _ => new Public.InvoiceBalanceChanged(known.CompanyId, known.InvoiceNumber, known.Customer.CustomerId, known.Currency,
                change!.Value.Item1, change.Value.Item2 ?? invoice.DueDate!.Value, change.Value.Item3),
        };
        var toErp = e.Data is InvoiceSettled settledForErp
            ? new Relance.Contracts.Erp.ErpInvoiceSettled(known.CompanyId, known.InvoiceNumber, known.Customer.CustomerId, settledForErp.SettledOn, settledForErp.RecordedAt)
            : null;
        return new(Customer(known.CompanyId, known.Customer.CustomerId), async token =>
        {
            await bus.Publish(message, message.GetType(), send => send.StampFrom(e), token);
            if (toErp is not null) await bus.PublishToErps(toErp, send => send.StampFrom(e), token);
        });
    }

    static string Customer(string companyId, string customerId) => $"{companyId}/{customerId}";

    Task Publish<T>(IEvent e, T message, CancellationToken cancellation) where T : class =>
        bus.Publish(message, send => send.StampFrom(e), cancellation);
}
