using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.ChangingCustomer;

public sealed record CustomerHold(string Reason, DateOnly Until);

/// <summary>The ERP's latest description of a customer: whom actions go to, how, and whether it is on hold.</summary>
/// <param name="Customer">Its name, contacts by role, postal address, account manager and segment; an empty email keeps the case's.</param>
public sealed record ChangeCustomer(string CompanyId, string CustomerId, CaseCustomer Customer, CustomerHold? Hold, DateTimeOffset Now);

/// <summary>The customer as last described by the ERP, for the cases it opens later; and the plan a person chose for it.</summary>
public sealed record CustomerProfile(string Id, CaseCustomer Customer, CustomerHold? Hold)
{
    public string? Segment => Customer.Segment;

    /// <summary>The key of the company's plan this customer follows whatever its segment, when a person chose one.</summary>
    public string? PlanKey { get; init; }

    public static string Key(string companyId, string customerId) => $"{companyId}/{customerId}";
}

public static class ChangeCustomerHandler
{
    /// <summary>Keeps the profile, and applies the change to each of the customer's cases (one per currency).</summary>
    public static async Task Handle(IDocumentSession session, ChangeCustomer command, CancellationToken cancellation)
    {
        var key = CustomerProfile.Key(command.CompanyId, command.CustomerId);
        var known = await session.LoadAsync<CustomerProfile>(key, cancellation);
        session.Store(new CustomerProfile(key, command.Customer, command.Hold) { PlanKey = known?.PlanKey });
        var cases = await session.Query<DunningCase>()
            .Where(c => c.CompanyId == command.CompanyId && c.Customer.CustomerId == command.CustomerId)
            .Select(c => c.Id)
            .ToListAsync(cancellation);
        foreach (var caseId in cases)
            await session.AppendDecisionAsync<DunningCase>(caseId, state => DunningCaseDecider.Decide(command, state), cancellation);
        await session.SaveChangesAsync(cancellation);
    }
}

public static class CustomerPlanEndpoint
{
    public sealed record CustomerPlanRequest(string? PlanKey);

    public sealed record CustomerPlanChosen(string CompanyId, string CustomerId, string? PlanKey);

    /// <summary>PUT /customers/{company}/{customer}/plan: the plan this customer's new cases follow (null: back to its segment's).</summary>
    public static void MapCustomerPlan(this IEndpointRouteBuilder app) =>
        app.MapPut("/customers/{companyId}/{customerId}/plan", async (
            string companyId, string customerId, CustomerPlanRequest request, IDocumentSession session, DunningPlans.PlanCatalog catalog, CancellationToken cancellation) =>
        {
            var plans = await catalog.AllAsync(cancellation);
            if (request.PlanKey is { } planKey && !plans.Any(p => p.Key == planKey && p.CompanyId is var c && (c == companyId || c == DunningPlans.DunningPlan.AnyCompany)))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["planKey"] = [$"no plan '{planKey}' for company {companyId}"] });
            var key = CustomerProfile.Key(companyId, customerId);
            var profile = await session.LoadAsync<CustomerProfile>(key, cancellation)
                ?? new CustomerProfile(key, new CaseCustomer(customerId, customerId, ""), null);
            session.Store(profile with { PlanKey = request.PlanKey });
            await session.SaveChangesAsync(cancellation);
            return Results.Ok(new CustomerPlanChosen(companyId, customerId, request.PlanKey));
        })
        .WithTags("Customers")
        .WithName("ChooseCustomerPlan")
        .WithSummary("The plan this customer's new cases follow (planKey null: back to its segment's)")
        .RequireAuthorization(RelancePolicies.Administer)
        .Produces<CustomerPlanChosen>()
        .ProducesValidationProblem();
}
