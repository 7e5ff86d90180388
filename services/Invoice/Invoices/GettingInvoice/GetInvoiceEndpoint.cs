using Marten;

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
        app.MapGet("/invoices/{companyId}/{invoiceNumber}/events", async (string companyId, string invoiceNumber, IQuerySession session, CancellationToken cancellation) =>
        {
            var events = await session.Events.FetchStreamAsync(Invoice.StreamKey(companyId, invoiceNumber), token: cancellation);
            return events.Count == 0
                ? Results.NotFound()
                : Results.Ok(events.Select(e => new
                {
                    e.Version, e.Sequence, e.Timestamp, Type = e.EventTypeName, Actor = e.UserName,
                    e.CorrelationId, e.CausationId, Data = e.Data,
                }));
        });
    }
}
