using Marten;
using Relance.CorrespondenceService.Correspondences.GettingCorrespondence;
using Relance.ServiceDefaults;
using Postal = Relance.Contracts.Postal;

namespace Relance.CorrespondenceService.Correspondences.TrackingLetter;

public static class TrackLetterHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, TrackLetter command, CancellationToken cancellation) =>
        session.DecideAsync<Correspondence>(command.CorrespondenceId, state => PostalDecider.Track(command, state), cancellation);
}

/// <summary>
/// A letter's postal tracking over HTTP: for a mail room entering what the post office says, or a postal provider
/// that calls back rather than publishing messages. Recording needs the Work policy (collector, manager, admin),
/// reading the Read policy; both only for the company of the letter.
/// </summary>
public static class TrackLetterEndpoint
{
    /// <param name="Recorded">The events the update appended: none when it was already known.</param>
    public sealed record TrackingView(string CorrespondenceId, string Channel, IReadOnlyList<string> Recorded, PostalView Postal);

    /// <summary>The letter's postal trail, the scanned card named by its SHA-256 (its bytes are at /acknowledgment-card).</summary>
    public sealed record PostalView(
        LetterHandedToPostalProvider? HandedOver,
        LetterPosted? Posted,
        LetterDelivered? Delivered,
        DateOnly? AcknowledgedOn,
        string? AcknowledgmentCardSha256,
        string? AcknowledgmentCardMediaType,
        LetterReturnedUndelivered? Returned)
    {
        public static PostalView Of(PostalTrail? trail) => new(
            trail?.HandedOver, trail?.Posted, trail?.Delivered, trail?.Acknowledged?.SignedOn,
            trail?.AcknowledgmentCard?.Sha256, trail?.AcknowledgmentCard?.MediaType, trail?.Returned);
    }

    public static void MapTrackLetter(this IEndpointRouteBuilder app)
    {
        var tracking = app.MapGroup("/correspondences/{id}/postal-tracking").WithTags("Correspondences");

        tracking.MapPost("", async (string id, Postal.LetterTracked body, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
            {
                if (await GetCorrespondenceEndpoint.Readable(id, http, session, cancellation) is (null, var refused)) return refused!;
                if (body.CorrespondenceId is { } named && named != id)
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["correspondenceId"] = [$"names {named}, but the address names {id}; leave it out or make them agree"] });

                TrackLetter command;
                try
                {
                    var now = clock.GetUtcNow();
                    command = LetterTrackingValidation.ToCommand(body with { CorrespondenceId = id }, $"user:{http.User.UserName()}", DateOnly.FromDateTime(now.UtcDateTime), now);
                }
                catch (MessageRejectedException invalid)
                {
                    return Results.ValidationProblem(Errors(invalid));
                }

                session.AttributeTo(http);
                try
                {
                    var recorded = await TrackLetterHandler.Handle(session, command, cancellation);
                    var state = (await session.LoadAsync<Correspondence>(id, cancellation))!;
                    return Results.Ok(new TrackingView(id, state.Request.Channel, [.. recorded.Select(e => e.GetType().Name)], PostalView.Of(state.Postal)));
                }
                catch (MessageRejectedException contradicts)
                {
                    return Results.ValidationProblem(Errors(contradicts), statusCode: StatusCodes.Status409Conflict,
                        title: "The update contradicts what is recorded of this letter, or the letter cannot be tracked");
                }
            })
            .RequireAuthorization(RelancePolicies.Work)
            .WithName("TrackLetter")
            .WithSummary("Record a letter's postal tracking: posted (tracking number), delivered, acknowledgment of receipt signed (optionally the scanned card), returned undelivered")
            .Produces<TrackingView>()
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status404NotFound);

        tracking.MapGet("", async (string id, HttpContext http, IQuerySession session, CancellationToken cancellation) =>
                await GetCorrespondenceEndpoint.Readable(id, http, session, cancellation) switch
                {
                    ({ } found, _) => Results.Ok(PostalView.Of(found.Postal)),
                    (_, var refused) => refused!,
                })
            .RequireAuthorization(RelancePolicies.Read)
            .WithName("GetLetterTracking")
            .WithSummary("A letter's postal trail: handed over, posted, delivered, acknowledged, returned")
            .Produces<PostalView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        tracking.MapGet("/acknowledgment-card", async (string id, HttpContext http, IQuerySession session, CancellationToken cancellation) =>
                await GetCorrespondenceEndpoint.Readable(id, http, session, cancellation) switch
                {
                    ({ Postal.AcknowledgmentCard: { } card }, _) => Results.Bytes(card.Content, card.MediaType),
                    ({ }, _) => Results.NotFound(),
                    (_, var refused) => refused!,
                })
            .RequireAuthorization(RelancePolicies.Read)
            .WithName("GetAcknowledgmentCard")
            .WithSummary("The scanned acknowledgment of receipt, as archived (its SHA-256 is in the postal trail)")
            .Produces<byte[]>(StatusCodes.Status200OK, "application/pdf", "image/jpeg", "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    static Dictionary<string, string[]> Errors(MessageRejectedException rejected) =>
        rejected.Reasons.GroupBy(r => r.Field).ToDictionary(g => g.Key, g => g.Select(r => r.Error).ToArray());
}
