using Marten;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Invoices.RecordingInvoice;

/// <summary>Record an invoice the ERP issued.</summary>
public sealed record RecordInvoice(
    string CompanyId,
    string InvoiceNumber,
    InvoiceCustomer Customer,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal AmountExcludingVat,
    decimal AmountIncludingVat,
    string Currency,
    DateTimeOffset Now);

public static class RecordInvoiceHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, RecordInvoice command, CancellationToken cancellation) =>
        session.DecideAsync<Invoice>(
            Invoice.StreamKey(command.CompanyId, command.InvoiceNumber),
            state => InvoiceDecider.Decide(command, state),
            cancellation);
}
