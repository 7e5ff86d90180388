using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.Approving;

/// <summary>A person approves or refuses a step that waits for approval (the formal notice, the hand-over to litigation).</summary>
public sealed record DecideApproval(string CaseId, Guid ActionId, bool Approve, string By, string? Comment, DateTimeOffset Now);

public static class ApprovalEndpoint
{
    public sealed record ApprovalRequest(bool? Approve, string? By, string? Comment);

    /// <summary>POST /cases/{company}/{customer}/{currency}/approvals/{actionId}.</summary>
    public static void MapApprovals(this IEndpointRouteBuilder app) =>
        app.MapPost("/cases/{companyId}/{customerId}/{currency}/approvals/{actionId:guid}", async (
            string companyId, string customerId, string currency, Guid actionId, ApprovalRequest request, HttpContext http,
            IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
        {
            var problems = new Dictionary<string, string[]>();
            if (request.Approve is null) problems["approve"] = ["required: true to approve, false to refuse"];
            if (string.IsNullOrWhiteSpace(request.By)) problems["by"] = ["required: who decides"];
            if (request.Approve == false && string.IsNullOrWhiteSpace(request.Comment)) problems["comment"] = ["required when refusing: why"];
            if (problems.Count > 0) return Results.ValidationProblem(problems);

            var caseId = DunningCase.StreamKey(companyId, customerId, currency);
            var found = await session.LoadAsync<DunningCase>(caseId, cancellation);
            if (found is null) return Results.NotFound();
            if (found.AwaitingApproval?.ActionId != actionId)
                return Results.Problem($"no action {actionId} awaits approval on this case", statusCode: StatusCodes.Status409Conflict);

            session.Attribute($"user:{request.By}", http.TraceIdentifier, null);
            var events = await session.DecideAsync<DunningCase>(caseId,
                state => DunningCaseDecider.Decide(new DecideApproval(caseId, actionId, request.Approve!.Value, request.By!, request.Comment, clock.GetUtcNow()), state),
                cancellation);
            return Results.Ok(new { caseId, actionId, decided = events.Select(e => e.GetType().Name) });
        });
}
