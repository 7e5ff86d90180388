using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.GettingCase;

public static class GetCaseEndpoint
{
    public static void MapGetCase(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cases/{companyId}/{customerId}/{currency}", async (string companyId, string customerId, string currency, IQuerySession session, CancellationToken cancellation) =>
            await session.LoadAsync<DunningCase>(DunningCase.StreamKey(companyId, customerId, currency), cancellation) is { } found
                ? Results.Ok(found)
                : Results.NotFound());

        // The case's proof trail: every decision with its time, actor, correlation and cause.
        app.MapGet("/cases/{companyId}/{customerId}/{currency}/events", (string companyId, string customerId, string currency, IQuerySession session, CancellationToken cancellation) =>
            ProofTrail.Of(session, DunningCase.StreamKey(companyId, customerId, currency), cancellation));
    }
}
