using Marten;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Invoices.GettingInvoice;

public static class GetInvoiceEndpoint
{
    public static void MapGetInvoice(this IEndpointRouteBuilder app)
    {
        app.MapGet("/invoices/{companyId}/{invoiceNumber}", async (string companyId, string invoiceNumber, IQuerySession session, CancellationToken cancellation) =>
            await session.LoadAsync<Invoice>(Invoice.StreamKey(companyId, invoiceNumber), cancellation) is { } invoice
                ? Results.Ok(invoice)
                : Results.NotFound());

        // The invoice's proof trail: every event with its time, actor and correlation.
        app.MapGet("/invoices/{companyId}/{invoiceNumber}/events", (string companyId, string invoiceNumber, IQuerySession session, CancellationToken cancellation) =>
            ProofTrail.Of(session, Invoice.StreamKey(companyId, invoiceNumber), cancellation));
    }
}
