using Marten;
using Relance.ReminderService.DunningPlans;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.AdoptingPlan;

/// <summary>Apply a plan version to a case: a plan change reaches a case only when told to.</summary>
public sealed record AdoptPlan(string CaseId, DunningPlan Plan, string Reason, DateTimeOffset Now);

public static class AdoptPlanEndpoint
{
    public sealed record AdoptPlanRequest(string? Reason);

    public sealed record ApplyPlanRequest(string? Reason);

    public sealed record PlanApplied(string PlanId, int Version, int CasesMoved);

    public sealed record CasePlanChanged(string CaseId, string PlanId, int Version, bool Changed);

    /// <summary>
    /// POST /cases/{company}/{customer}/{currency}/plan (If-Match: the case's ETag): the case follows the newest version of
    /// the plan its customer now falls under. POST /plans/{company}/{key}/apply: every case following an older version of
    /// that plan moves to its newest one (each at the version it was read at, no If-Match: nobody looked at them).
    /// </summary>
    public static void MapAdoptPlan(this IEndpointRouteBuilder app)
    {
        app.MapPost("/plans/{companyId}/{key}/apply", async (
            string companyId, string key, ApplyPlanRequest request, HttpContext http, IDocumentStore store, PlanCatalog catalog, TimeProvider clock, CancellationToken cancellation) =>
        {
            if (string.IsNullOrWhiteSpace(request.Reason))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["required: why the cases change plan"] });
            var plan = (await catalog.AllAsync(cancellation)).FirstOrDefault(p => p.CompanyId == companyId && p.Key == key);
            if (plan is null) return Results.NotFound();
            IReadOnlyList<string> cases;
            await using (var query = store.QuerySession())
                cases = await query.Query<DunningCase>()
                    .Where(c => c.Plan!.CompanyId == plan.CompanyId && c.Plan.Key == plan.Key && c.Plan.Version < plan.Version && c.Status != CaseStatus.Closed)
                    .Select(c => c.Id).ToListAsync(cancellation);
            var moved = 0;
            foreach (var caseId in cases)
            {
                await using var session = store.LightweightSession();
                session.AttributeTo(http);
                var events = await session.DecideAsync<DunningCase>(caseId,
                    state => DunningCaseDecider.Decide(new AdoptPlan(caseId, plan, $"{request.Reason} (plan {plan.Id} v{plan.Version} applied to its cases)", clock.GetUtcNow()), state),
                    cancellation);
                moved += events.Count > 0 ? 1 : 0;
            }
            return Results.Ok(new PlanApplied(plan.Id, plan.Version, moved));
        })
        .WithTags("Plans")
        .WithName("ApplyPlan")
        .WithSummary("Move every case following an older version of the plan to its newest version, with a reason")
        .RequireAuthorization(RelancePolicies.Administer)
        .Produces<PlanApplied>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost("/cases/{companyId}/{customerId}/{currency}/plan", async (
            string companyId, string customerId, string currency, AdoptPlanRequest request, HttpContext http,
            IDocumentSession session, PlanCatalog catalog, TimeProvider clock, CancellationToken cancellation) =>
        {
            if (!HttpConcurrency.TryGetExpectedVersion(http.Request, out var expectedVersion, out var precondition)) return precondition!;
            if (string.IsNullOrWhiteSpace(request.Reason))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["required: why the case changes plan"] });
            var caseId = DunningCase.StreamKey(companyId, customerId, currency);
            if (await session.LoadAsync<DunningCase>(caseId, cancellation) is null) return Results.NotFound();
            var (plan, why) = await catalog.PlanFor(session, companyId, customerId, cancellation);
            session.AttributeTo(http);
            var events = await session.DecideAsync<DunningCase>(caseId, expectedVersion,
                state => DunningCaseDecider.Decide(new AdoptPlan(caseId, plan, $"{request.Reason} ({why})", clock.GetUtcNow()), state), cancellation);
            HttpConcurrency.SetETag(http.Response, expectedVersion + events.Count);
            return Results.Ok(new CasePlanChanged(caseId, plan.Id, plan.Version, events.Count > 0));
        })
        .WithTags("Cases")
        .WithName("AdoptPlan")
        .WithSummary("The case follows the newest version of its customer's plan (If-Match: the case's ETag), with a reason")
        .RequireAuthorization(RelancePolicies.Approve)
        .Produces<CasePlanChanged>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .RequiresIfMatch();
    }
}
