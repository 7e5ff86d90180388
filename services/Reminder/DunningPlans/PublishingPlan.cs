using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningPlans;

public static class PlanEndpoints
{
    public sealed record PlanPublished(string Id, int Version, bool IsNew);

    // The company in the address is checked against the user's companies by the company scope (ServiceDefaults);
    // the plans of company "*" are every company's to read, and only an all-companies administrator's to change.
    public static void MapPlans(this IEndpointRouteBuilder app)
    {
        var plans = app.MapGroup("/plans").WithTags("Plans");

        plans.MapGet("", async (HttpContext http, PlanCatalog catalog, CancellationToken cancellation) =>
                Results.Ok((await catalog.AllAsync(cancellation)).Where(p => p.CompanyId == DunningPlan.AnyCompany || http.User.MayActFor(p.CompanyId))))
            .WithName("GetPlans")
            .WithSummary("The newest version of every plan of the user's companies, and of the plans every company shares (company \"*\")")
            .RequireAuthorization(RelancePolicies.Read)
            .Produces<IEnumerable<DunningPlan>>();

        plans.MapGet("/{companyId}/{key}/versions", (string companyId, string key, IQuerySession session, CancellationToken cancellation) =>
                ProofTrail.Of(session, PublishedPlan.StreamKey(DunningPlan.PlanId(companyId, key)), cancellation))
            .WithName("GetPlanVersions")
            .WithSummary("A plan's history: each version published, by whom and why")
            .RequireAuthorization(RelancePolicies.Read)
            .Produces<IReadOnlyList<ProofTrail.Entry>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        // Publish a new version of a plan; cases move to it only when told to (POST /cases/.../plan).
        plans.MapPut("/{companyId}/{key}", async (string companyId, string key, DunningPlan plan, HttpContext http, PlanCatalog catalog, CancellationToken cancellation) =>
            {
                var problems = (plan with { CompanyId = companyId, Key = key }).Problems();
                if (plan.CompanyId != companyId) problems = [.. problems, $"companyId: '{plan.CompanyId}' differs from the address's '{companyId}'"];
                if (plan.Key != key) problems = [.. problems, $"key: '{plan.Key}' differs from the address's '{key}'"];
                if (problems.Count > 0)
                    return Results.ValidationProblem(problems.GroupBy(p => p.Split(':')[0]).ToDictionary(g => g.Key, g => g.Select(p => p[(p.IndexOf(':') + 1)..].Trim()).ToArray()));
                var (published, isNew) = await catalog.PublishAsync(plan, $"user:{http.User.UserName()}", "published through the HTTP API", cancellation);
                return Results.Ok(new PlanPublished(published.Id, published.Version, isNew));
            })
            .WithName("PublishPlan")
            .WithSummary("Publish a new version of a plan (none if it equals the newest); cases move to it only when told to")
            .RequireAuthorization(RelancePolicies.Administer)
            .Produces<PlanPublished>()
            .ProducesValidationProblem();
    }
}

/// <summary>Publishes the plan files of Dunning:PlansDirectory at start: a new version for each file that changed.</summary>
public sealed class PlanFilesPublisher(PlanCatalog catalog, DunningCases.DunningPolicy policy, IHostEnvironment environment, ILogger<PlanFilesPublisher> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellation)
    {
        var directory = Path.IsPathRooted(policy.PlansDirectory) ? policy.PlansDirectory : Path.Combine(AppContext.BaseDirectory, policy.PlansDirectory);
        if (!Directory.Exists(directory)) directory = Path.Combine(environment.ContentRootPath, policy.PlansDirectory);
        if (!Directory.Exists(directory)) throw new InvalidOperationException($"Dunning:PlansDirectory '{policy.PlansDirectory}' does not exist");
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var plan = System.Text.Json.JsonSerializer.Deserialize<DunningPlan>(await File.ReadAllTextAsync(file, cancellation), PlanCatalog.Json)
                ?? throw new InvalidOperationException($"{file} holds no plan");
            plan = policy.Apply(plan);
            if (plan.Problems() is { Count: > 0 } problems)
                throw new InvalidOperationException($"{file}: {string.Join("; ", problems)}");
            (DunningPlan inForce, bool published) result;
            try
            {
                result = await catalog.PublishAsync(plan, "system:plan-files", $"published from {Path.GetFileName(file)}", cancellation);
            }
            catch (Exception e) when (e is JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException)
            {
                // Another instance starting at the same moment published it: read it again.
                result = await catalog.PublishAsync(plan, "system:plan-files", $"published from {Path.GetFileName(file)}", cancellation);
            }
            var (inForce, published) = result;
            if (published) logger.LogInformation("Published plan {PlanId} v{Version} from {File}", inForce.Id, inForce.Version, file);
        }
    }

    public Task StopAsync(CancellationToken cancellation) => Task.CompletedTask;
}
