using Marten;

namespace Relance.CorrespondenceService.Correspondences.GettingCorrespondence;

public static class GetCorrespondenceEndpoint
{
    public static void MapGetCorrespondence(this IEndpointRouteBuilder app)
    {
        app.MapGet("/correspondences/{id}", async (string id, IQuerySession session, CancellationToken cancellation) =>
            await session.LoadAsync<Correspondence>(id, cancellation) is { } found
                ? Results.Ok(new { found.Id, found.Request, Status = found.Status.ToString(), found.Rendered?.ContentSha256, found.Sent, found.Failures })
                : Results.NotFound());

        // The correspondence's proof trail.
        app.MapGet("/correspondences/{id}/events", async (string id, IQuerySession session, CancellationToken cancellation) =>
        {
            var events = await session.Events.FetchStreamAsync(id, token: cancellation);
            return events.Count == 0
                ? Results.NotFound()
                : Results.Ok(events.Select(e => new
                {
                    e.Version, e.Sequence, e.Timestamp, Type = e.EventTypeName, Actor = e.UserName,
                    e.CorrelationId, e.CausationId, e.Data,
                }));
        });

        // The exact bytes sent, to check against the recorded SHA-256.
        app.MapGet("/correspondences/{id}/content", async (string id, IQuerySession session, CancellationToken cancellation) =>
            await session.LoadAsync<Correspondence>(id, cancellation) is { Rendered: { } rendered }
                ? Results.Bytes(System.Text.Encoding.ASCII.GetBytes(rendered.Mime), "message/rfc822")
                : Results.NotFound());
    }
}
