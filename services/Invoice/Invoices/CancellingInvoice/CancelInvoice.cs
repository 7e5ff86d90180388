using Marten;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Invoices.CancellingInvoice;

/// <summary>The ERP cancelled the invoice: nothing is owed on it any more.</summary>
public sealed record CancelInvoice(string CompanyId, string InvoiceNumber, string Reason, DateTimeOffset Now);

public static class CancelInvoiceHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, CancelInvoice command, CancellationToken cancellation) =>
        session.AppendDecisionAsync<Invoice>(
            Invoice.StreamKey(command.CompanyId, command.InvoiceNumber),
            state => InvoiceDecider.Decide(command, state),
            cancellation);
}
