using Marten;

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
        app.MapGet("/cases/{companyId}/{customerId}/{currency}/events", async (string companyId, string customerId, string currency, IQuerySession session, CancellationToken cancellation) =>
        {
            var events = await session.Events.FetchStreamAsync(DunningCase.StreamKey(companyId, customerId, currency), token: cancellation);
            return events.Count == 0
                ? Results.NotFound()
                : Results.Ok(events.Select(e => new
                {
                    e.Version, e.Sequence, e.Timestamp, Type = e.EventTypeName, Actor = e.UserName,
                    e.CorrelationId, e.CausationId, e.Data,
                }));
        });
    }
}
