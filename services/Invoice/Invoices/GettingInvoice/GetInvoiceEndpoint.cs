using Marten;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Invoices.GettingInvoice;

public static class GetInvoiceEndpoint
{
    // The company in the address is checked against the user's companies by the company scope (ServiceDefaults).
    public static void MapGetInvoice(this IEndpointRouteBuilder app)
    {
        var invoices = app.MapGroup("/invoices/{companyId}/{invoiceNumber}").WithTags("Invoices").RequireAuthorization(RelancePolicies.Read);

        invoices.MapGet("", async (string companyId, string invoiceNumber, IQuerySession session, CancellationToken cancellation) =>
                await session.LoadAsync<Invoice>(Invoice.StreamKey(companyId, invoiceNumber), cancellation) is { } invoice
                    ? Results.Ok(invoice)
                    : Results.NotFound())
            .WithName("GetInvoice")
            .WithSummary("An invoice as the ERPs described it: amounts, balance, allocations, disputes")
            .Produces<Invoice>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        // The invoice's proof trail: every event with its time, actor and correlation.
        invoices.MapGet("/events", (string companyId, string invoiceNumber, IQuerySession session, CancellationToken cancellation) =>
                ProofTrail.Of(session, Invoice.StreamKey(companyId, invoiceNumber), cancellation))
            .WithName("GetInvoiceEvents")
            .WithSummary("The invoice's proof trail: every event with its time, actor, correlation and cause")
            .Produces<IReadOnlyList<ProofTrail.Entry>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
