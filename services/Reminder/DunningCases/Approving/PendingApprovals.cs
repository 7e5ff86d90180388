using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.Approving;

/// <summary>The steps waiting for a person's approval in a company (the formal notice, the hand-over to litigation), oldest first.</summary>
public static class PendingApprovals
{
    public sealed record Pending(string CaseId, string CustomerId, string CustomerName, Guid ActionId, string Step, string Reason, DateTimeOffset Since,
        IReadOnlyList<string> Invoices, decimal Owed, string Currency, long CaseVersion);

    public static void MapPendingApprovals(this IEndpointRouteBuilder app) =>
        app.MapGet("/approvals", async (string? companyId, HttpContext http, IQuerySession session, CancellationToken cancellation) =>
        {
            if (string.IsNullOrWhiteSpace(companyId))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["companyId"] = ["required: the company whose approvals to list"] });
            if (!http.User.MayActFor(companyId))
                return CompanyScope.Forbidden(companyId);
            var cases = await session.Query<DunningCase>()
                .Where(c => c.CompanyId == companyId && c.AwaitingApproval != null)
                .ToListAsync(cancellation);
            return Results.Ok(cases.Where(c => c.AwaitingApproval is { Approved: false }).Select(c => new Pending(
                    c.Id, c.Customer.CustomerId, c.Customer.Name, c.AwaitingApproval!.ActionId, c.AwaitingApproval.Step, c.AwaitingApproval.Reason,
                    c.AwaitingApproval.Since, c.AwaitingApproval.Invoices,
                    c.OpenInvoices.Where(i => c.AwaitingApproval.Invoices.Contains(i.InvoiceNumber)).Sum(i => i.Outstanding), c.Currency, c.Version))
                .OrderBy(p => p.Since));
        }).RequireAuthorization(RelancePolicies.Read).WithTags("Approvals").WithName("PendingApprovals")
          .WithSummary("The steps awaiting approval in a company, oldest first");
}
