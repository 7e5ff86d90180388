using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.GettingCase;

public static class GetCaseEndpoint
{
    // The company in the address is checked against the user's companies by the company scope (ServiceDefaults).
    public static void MapGetCase(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/cases/{companyId}/{customerId}/{currency}").WithTags("Cases").RequireAuthorization(RelancePolicies.Read);

        // The ETag is the stream's version: a change decided on this view sends it back in If-Match.
        cases.MapGet("", async (string companyId, string customerId, string currency, HttpContext http, IQuerySession session, CancellationToken cancellation) =>
            {
                if (await session.LoadAsync<DunningCase>(DunningCase.StreamKey(companyId, customerId, currency), cancellation) is not { } found)
                    return Results.NotFound();
                HttpConcurrency.SetETag(http.Response, found.Version);
                return Results.Ok(found);
            })
            .WithName("GetCase")
            .WithSummary("A dunning case: its plan, open invoices, next action, pending approval; ETag = its version")
            .Produces<DunningCase>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        // The case's proof trail: every decision with its time, actor, correlation and cause.
        cases.MapGet("/events", (string companyId, string customerId, string currency, IQuerySession session, CancellationToken cancellation) =>
                ProofTrail.Of(session, DunningCase.StreamKey(companyId, customerId, currency), cancellation))
            .WithName("GetCaseEvents")
            .WithSummary("The case's proof trail: every decision with its time, actor, correlation and cause")
            .Produces<IReadOnlyList<ProofTrail.Entry>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
