using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.ManualActions;

/// <summary>The invoices too old when first seen to be chased automatically, waiting for a person to take them over or write them off.</summary>
public static class LeftToPeople
{
    public sealed record LeftInvoice(string CaseId, string CustomerId, string CustomerName, string InvoiceNumber, DateOnly DueDate, decimal Outstanding, string Currency, long CaseVersion);

    public static void MapLeftToPeople(this IEndpointRouteBuilder app) =>
        app.MapGet("/left-to-people", async (string? companyId, HttpContext http, IQuerySession session, CancellationToken cancellation) =>
        {
            if (string.IsNullOrWhiteSpace(companyId))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["companyId"] = ["required: the company whose invoices to list"] });
            if (!http.User.MayActFor(companyId)) return CompanyScope.Forbidden(companyId);
            var cases = await session.Query<DunningCase>()
                .Where(c => c.CompanyId == companyId && c.Status == CaseStatus.Open && c.OpenInvoices.Any(i => i.LeftToPerson))
                .ToListAsync(cancellation);
            return Results.Ok(cases.SelectMany(c => c.OpenInvoices.Where(i => i.LeftToPerson).Select(i =>
                    new LeftInvoice(c.Id, c.Customer.CustomerId, c.Customer.Name, i.InvoiceNumber, i.DueDate, i.Outstanding, c.Currency, c.Version)))
                .OrderBy(i => i.DueDate));
        }).RequireAuthorization(RelancePolicies.Work).WithTags("Working a case").WithName("LeftToPeople")
          .WithSummary("Invoices too old when first seen to be chased automatically: take them over (POST …/actions/take-over) or write them off");
}
