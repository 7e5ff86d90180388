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

    /// <summary>
    /// POST /cases/{company}/{customer}/{currency}/plan: the case follows the newest version of the plan its customer now falls under.
    /// POST /plans/{company}/{key}/apply: every case following an older version of that plan moves to its newest one.
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
                session.Attribute($"user:{http.User.Identity?.Name ?? "anonymous"}", http.TraceIdentifier, null);
                var events = await session.DecideAsync<DunningCase>(caseId,
                    state => DunningCaseDecider.Decide(new AdoptPlan(caseId, plan, $"{request.Reason} (plan {plan.Id} v{plan.Version} applied to its cases)", clock.GetUtcNow()), state),
                    cancellation);
                moved += events.Count > 0 ? 1 : 0;
            }
            return Results.Ok(new { planId = plan.Id, plan.Version, casesMoved = moved });
        });

        app.MapPost("/cases/{companyId}/{customerId}/{currency}/plan", async (
            string companyId, string customerId, string currency, AdoptPlanRequest request, HttpContext http,
            IDocumentSession session, PlanCatalog catalog, TimeProvider clock, CancellationToken cancellation) =>
        {
            if (string.IsNullOrWhiteSpace(request.Reason))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["required: why the case changes plan"] });
            var caseId = DunningCase.StreamKey(companyId, customerId, currency);
            if (await session.LoadAsync<DunningCase>(caseId, cancellation) is null) return Results.NotFound();
            var (plan, why) = await catalog.PlanFor(session, companyId, customerId, cancellation);
            session.Attribute($"user:{http.User.Identity?.Name ?? "anonymous"}", http.TraceIdentifier, null);
            var events = await session.DecideAsync<DunningCase>(caseId,
                state => DunningCaseDecider.Decide(new AdoptPlan(caseId, plan, $"{request.Reason} ({why})", clock.GetUtcNow()), state), cancellation);
            return Results.Ok(new { caseId, planId = plan.Id, plan.Version, changed = events.Count > 0 });
        });
    }
}
