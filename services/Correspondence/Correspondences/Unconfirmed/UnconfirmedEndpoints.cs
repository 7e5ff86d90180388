using Marten;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Correspondences.Unconfirmed;

/// <summary>
/// The correspondences that may or may not have left (an email whose SMTP answer was lost), and what a manager does
/// about each: confirm it was sent (the recipient received it, the mail server's log shows it), or order it sent again.
/// </summary>
public static class UnconfirmedEndpoints
{
    public sealed record UnconfirmedCorrespondence(
        string Id, string CaseId, string Step, string Channel, string Recipient, Guid AttemptId, string Reason, DateTimeOffset Since, long Version);

    /// <summary>Why: written in the proof trail with the user's name.</summary>
    public sealed record PersonDecision(string? Reason);

    public static void MapUnconfirmedCorrespondences(this IEndpointRouteBuilder app)
    {
        app.MapGet("/correspondences/unconfirmed", async (string? companyId, HttpContext http, IQuerySession session, CancellationToken cancellation) =>
            {
                if (string.IsNullOrWhiteSpace(companyId))
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["companyId"] = ["required: the company whose unconfirmed correspondences to list"] });
                if (!http.User.MayActFor(companyId)) return CompanyScope.Forbidden(companyId);
                var unknown = await session.Query<Correspondence>()
                    .Where(c => c.Request.CompanyId == companyId && c.OutcomeUnknown != null)
                    .ToListAsync(cancellation);
                var listed = new List<UnconfirmedCorrespondence>();
                foreach (var c in unknown.OrderBy(c => c.OutcomeUnknown!.RecordedAt))
                    listed.Add(new(c.Id, c.Request.CaseId, c.Request.Step, c.Request.Channel, CorrespondenceDecider.RecipientAddress(c.Request),
                        c.OutcomeUnknown!.AttemptId, c.OutcomeUnknown.Reason, c.OutcomeUnknown.RecordedAt,
                        (await session.Events.FetchStreamStateAsync(c.Id, cancellation))!.Version));
                return Results.Ok(listed);
            })
            .RequireAuthorization(RelancePolicies.Read).WithTags("Correspondences").WithName("UnconfirmedCorrespondences")
            .WithSummary("The correspondences of a company that may or may not have left, oldest first, with the version to send in If-Match")
            .Produces<IReadOnlyList<UnconfirmedCorrespondence>>()
            .ProducesValidationProblem();

        app.MapPost("/correspondences/{id}/confirm-sent", (string id, PersonDecision decision, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
                Decide(id, decision, http, session, cancellation, (by, reason, s) => CorrespondenceDecider.ConfirmSent(by, reason, clock.GetUtcNow(), s)))
            .WithName("ConfirmCorrespondenceSent")
            .WithSummary("Confirm that a correspondence of unknown outcome did leave (If-Match: its version); recorded sent, with the user and the reason")
            .Describe();

        app.MapPost("/correspondences/{id}/resend", async (string id, PersonDecision decision, HttpContext http, IDocumentSession session,
                SendReminderHandler handler, TimeProvider clock, ILoggerFactory logs, CancellationToken cancellation) =>
            {
                var ordered = await Decide(id, decision, http, session, cancellation, (by, reason, s) => CorrespondenceDecider.OrderResend(by, reason, clock.GetUtcNow(), s));
                if (ordered is not IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK }) return ordered;
                var request = (await session.LoadAsync<Correspondence>(id, cancellation))!.Request;
                try
                {
                    await handler.Handle(request, s => s.AttributeTo(http), cancellation);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Recorded with the attempt; the reconciler carries on with it.
                    logs.CreateLogger(typeof(UnconfirmedEndpoints)).LogWarning(e, "Sending correspondence {CorrespondenceId} again failed", id);
                    return Results.Accepted($"/correspondences/{id}", new { id, sent = false, detail = e.Message });
                }
                return Results.Ok(new { id, sent = true });
            })
            .WithName("ResendCorrespondence")
            .WithSummary("Send again a correspondence of unknown outcome (If-Match: its version), accepting it may arrive twice; 202 when the send failed and is left to the reconciler")
            .Describe();
    }

    static RouteHandlerBuilder Describe(this RouteHandlerBuilder endpoint) => endpoint
        .RequireAuthorization(RelancePolicies.Approve).WithTags("Correspondences")
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .RequiresIfMatch();

    static async Task<IResult> Decide(string id, PersonDecision decision, HttpContext http, IDocumentSession session, CancellationToken cancellation,
        Func<string, string, Correspondence?, IReadOnlyList<object>> decide)
    {
        if (!HttpConcurrency.TryGetExpectedVersion(http.Request, out var expectedVersion, out var precondition)) return precondition!;
        if (string.IsNullOrWhiteSpace(decision.Reason))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["required: why (kept in the proof trail)"] });
        var found = await session.LoadAsync<Correspondence>(id, cancellation);
        if (found is null) return Results.NotFound();
        if (!http.User.MayActFor(found.Request.CompanyId)) return CompanyScope.Forbidden(found.Request.CompanyId);
        var by = http.User.UserName();
        session.AttributeTo(http);
        var events = await session.DecideAsync<Correspondence>(id, expectedVersion, s => decide(by, decision.Reason.Trim(), s), cancellation);
        if (events.Count == 0)
            return Results.Problem($"correspondence {id} is not awaiting a person's decision (status {found.Status})", statusCode: StatusCodes.Status409Conflict);
        HttpConcurrency.SetETag(http.Response, expectedVersion + events.Count);
        return Results.Ok(new { id, decided = events.Select(e => e.GetType().Name) });
    }
}
