using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.ChangingCustomer;

public sealed record CustomerHold(string Reason, DateOnly Until);

/// <summary>The ERP's latest description of a customer: whom reminders go to, and whether it is on hold.</summary>
/// <param name="Email">The billing (else accounting) contact's email; none keeps the one the case has.</param>
public sealed record ChangeCustomer(string CompanyId, string CustomerId, string Name, string? Email, CustomerHold? Hold, DateTimeOffset Now);

/// <summary>The customer as last described by the ERP, for the cases it opens later.</summary>
public sealed record CustomerProfile(string Id, string Name, string? Email, CustomerHold? Hold)
{
    public static string Key(string companyId, string customerId) => $"{companyId}/{customerId}";
}

public static class ChangeCustomerHandler
{
    /// <summary>Keeps the profile, and applies the change to each of the customer's cases (one per currency).</summary>
    public static async Task Handle(IDocumentSession session, ChangeCustomer command, DunningPolicy policy, CancellationToken cancellation)
    {
        session.Store(new CustomerProfile(CustomerProfile.Key(command.CompanyId, command.CustomerId), command.Name, command.Email, command.Hold));
        var cases = await session.Query<DunningCase>()
            .Where(c => c.CompanyId == command.CompanyId && c.Customer.CustomerId == command.CustomerId)
            .Select(c => c.Id)
            .ToListAsync(cancellation);
        foreach (var caseId in cases)
            await session.AppendDecisionAsync<DunningCase>(caseId, state => DunningCaseDecider.Decide(command, state, policy), cancellation);
        await session.SaveChangesAsync(cancellation);
    }
}
