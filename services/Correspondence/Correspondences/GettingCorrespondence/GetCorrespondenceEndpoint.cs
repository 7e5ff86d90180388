using Marten;
using Relance.CorrespondenceService.Correspondences.TrackingLetter;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Correspondences.GettingCorrespondence;

public static class GetCorrespondenceEndpoint
{
    /// <summary>The fields after <c>Failures</c> came later: each is null when it has nothing to tell.</summary>
    public sealed record CorrespondenceView(
        string Id, CorrespondenceRequested Request, string Status, string? ContentSha256, CorrespondenceSent? Sent, LetterQueuedForPosting? QueuedForPosting, int Failures)
    {
        /// <summary>A letter's postal trail: handed over, posted, delivered, acknowledged, returned.</summary>
        public TrackLetterEndpoint.PostalView? Postal { get; init; }

        /// <summary>An SMS's last delivery report.</summary>
        public DeliveryReported? Delivery { get; init; }

        /// <summary>An email's bounces.</summary>
        public IReadOnlyList<CorrespondenceBounced>? Bounces { get; init; }

        /// <summary>The attempt nobody can tell the outcome of, awaiting a person's decision.</summary>
        public DispatchOutcomeUnknown? OutcomeUnknown { get; init; }

        /// <summary>The last failure, when no attempt ended in sending since.</summary>
        public CorrespondenceSendingFailed? LastFailure { get; init; }

        public static CorrespondenceView Of(Correspondence found) =>
            new(found.Id, found.Request, found.Status.ToString(), found.Rendered?.ContentSha256, found.Sent, found.QueuedForPosting, found.Failures)
            {
                Postal = found.Postal is null ? null : TrackLetterEndpoint.PostalView.Of(found.Postal),
                Delivery = found.Delivery,
                Bounces = found.Bounces.IsEmpty ? null : found.Bounces,
                OutcomeUnknown = found.OutcomeUnknown,
                LastFailure = found.LastFailure,
            };
    }

    /// <summary>
    /// A correspondence's id is the reminder id it was asked for, a GUID that names no company: the company is the
    /// one of its request, so each read loads it first and answers 403 to a user who does not work for it.
    /// </summary>
    public static void MapGetCorrespondence(this IEndpointRouteBuilder app)
    {
        var correspondences = app.MapGroup("/correspondences/{id}").WithTags("Correspondences").RequireAuthorization(RelancePolicies.Read);

        correspondences.MapGet("", async (string id, HttpContext http, IQuerySession session, CancellationToken cancellation) =>
            {
                var (found, refused) = await Readable(id, http, session, cancellation);
                if (found is null) return refused!;
                // The version a person's decision on it sends back in If-Match (confirm-sent, resend).
                HttpConcurrency.SetETag(http.Response, (await session.Events.FetchStreamStateAsync(id, cancellation))!.Version);
                return Results.Ok(CorrespondenceView.Of(found));
            })
            .WithName("GetCorrespondence")
            .WithSummary("A reminder sent or queued for posting: what was asked, its status, the SHA-256 of its exact bytes, its postal trail, delivery report, bounces, unknown outcome and last failure")
            .Produces<CorrespondenceView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        // The correspondence's proof trail.
        correspondences.MapGet("/events", async (string id, HttpContext http, IQuerySession session, CancellationToken cancellation) =>
                await Readable(id, http, session, cancellation) is (null, var refused) ? refused! : await ProofTrail.Of(session, id, cancellation))
            .WithName("GetCorrespondenceEvents")
            .WithSummary("The correspondence's proof trail: requested, rendered, sent or queued, failures")
            .Produces<IReadOnlyList<ProofTrail.Entry>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        // The exact bytes sent (an email's MIME, a letter's PDF, an SMS's text), to check against the recorded SHA-256.
        correspondences.MapGet("/content", async (string id, HttpContext http, IQuerySession session, CancellationToken cancellation) =>
                await Readable(id, http, session, cancellation) switch
                {
                    ({ Rendered: { } rendered }, _) => Results.Bytes(rendered.Bytes(), rendered.MediaType()),
                    ({ }, _) => Results.NotFound(),
                    (_, var refused) => refused!,
                })
            .WithName("GetCorrespondenceContent")
            .WithSummary("The exact bytes sent: message/rfc822 for an email, application/pdf for a letter, text/plain; charset=utf-8 for an SMS (and for a letter rendered before letters were PDF)")
            .Produces<byte[]>(StatusCodes.Status200OK, "message/rfc822", "application/pdf", "text/plain")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The correspondence if the user may read it; otherwise what to answer (404, or 403 for another company's).</summary>
    internal static async Task<(Correspondence? Found, IResult? Refused)> Readable(string id, HttpContext http, IQuerySession session, CancellationToken cancellation) =>
        await session.LoadAsync<Correspondence>(id, cancellation) switch
        {
            null => (null, Results.NotFound()),
            var found when !http.User.MayActFor(found.Request.CompanyId) => (null, CompanyScope.Forbidden(found.Request.CompanyId)),
            var found => (found, null),
        };
}
