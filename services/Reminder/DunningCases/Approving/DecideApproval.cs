using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.Approving;

/// <summary>A person approves or refuses a step that waits for approval (the formal notice, the hand-over to litigation).</summary>
public sealed record DecideApproval(string CaseId, Guid ActionId, bool Approve, string By, string? Comment, DateTimeOffset Now);

public static class ApprovalEndpoint
{
    /// <summary>Who decides is the signed-in user, never the body: a "by" sent by older clients is ignored.</summary>
    public sealed record ApprovalRequest(bool? Approve, string? Comment);

    public sealed record ApprovalDecided(string CaseId, Guid ActionId, IReadOnlyList<string> Decided);

    /// <summary>
    /// POST /cases/{company}/{customer}/{currency}/approvals/{actionId}, with If-Match: the ETag of the case the
    /// person read. Approving a formal notice on a stale view (paid or disputed meanwhile) is the danger: 412 then.
    /// </summary>
    public static void MapApprovals(this IEndpointRouteBuilder app) =>
        app.MapPost("/cases/{companyId}/{customerId}/{currency}/approvals/{actionId:guid}", async (
            string companyId, string customerId, string currency, Guid actionId, ApprovalRequest request, HttpContext http,
            IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
        {
            if (!HttpConcurrency.TryGetExpectedVersion(http.Request, out var expectedVersion, out var precondition)) return precondition!;
            var problems = new Dictionary<string, string[]>();
            if (request.Approve is null) problems["approve"] = ["required: true to approve, false to refuse"];
            if (request.Approve == false && string.IsNullOrWhiteSpace(request.Comment)) problems["comment"] = ["required when refusing: why"];
            if (problems.Count > 0) return Results.ValidationProblem(problems);

            var caseId = DunningCase.StreamKey(companyId, customerId, currency);
            var found = await session.LoadAsync<DunningCase>(caseId, cancellation);
            if (found is null) return Results.NotFound();
            // On a stale view the answer is 412 (from DecideAsync below), whatever awaits now.
            if (found.Version == expectedVersion && found.AwaitingApproval?.ActionId != actionId)
                return Results.Problem($"no action {actionId} awaits approval on this case", statusCode: StatusCodes.Status409Conflict);

            var by = http.User.UserName();
            session.AttributeTo(http);
            var events = await session.DecideAsync<DunningCase>(caseId, expectedVersion,
                state => DunningCaseDecider.Decide(new DecideApproval(caseId, actionId, request.Approve!.Value, by, request.Comment, clock.GetUtcNow()), state),
                cancellation);
            HttpConcurrency.SetETag(http.Response, expectedVersion + events.Count);
            return Results.Ok(new ApprovalDecided(caseId, actionId, [.. events.Select(e => e.GetType().Name)]));
        })
        .WithTags("Cases")
        .WithName("DecideApproval")
        .WithSummary("Approve or refuse a step awaiting approval (If-Match: the case's ETag); the decider is the signed-in user")
        .RequireAuthorization(RelancePolicies.Approve)
        .Produces<ApprovalDecided>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .RequiresIfMatch();
}
