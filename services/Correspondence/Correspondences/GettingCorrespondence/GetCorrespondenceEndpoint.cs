using Marten;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Correspondences.GettingCorrespondence;

public static class GetCorrespondenceEndpoint
{
    public static void MapGetCorrespondence(this IEndpointRouteBuilder app)
    {
        app.MapGet("/correspondences/{id}", async (string id, IQuerySession session, CancellationToken cancellation) =>
            await session.LoadAsync<Correspondence>(id, cancellation) is { } found
                ? Results.Ok(new { found.Id, found.Request, Status = found.Status.ToString(), found.Rendered?.ContentSha256, found.Sent, found.QueuedForPosting, found.Failures })
                : Results.NotFound());

        // The correspondence's proof trail.
        app.MapGet("/correspondences/{id}/events", (string id, IQuerySession session, CancellationToken cancellation) =>
            ProofTrail.Of(session, id, cancellation));

        // The exact bytes sent (an email's MIME, a letter's text), to check against the recorded SHA-256.
        app.MapGet("/correspondences/{id}/content", async (string id, IQuerySession session, CancellationToken cancellation) =>
            await session.LoadAsync<Correspondence>(id, cancellation) is { Rendered: { } rendered }
                ? Results.Bytes(rendered.Bytes(), rendered.MediaType())
                : Results.NotFound());
    }
}
