using Marten;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.AddingInvoice;

/// <summary>Put an unpaid invoice under its customer's case, opening (or reopening) the case if needed, and plan its first reminder.</summary>
public sealed record AddInvoiceToCase(
    string CompanyId,
    CaseCustomer Customer,
    string Currency,
    string InvoiceNumber,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal Outstanding,
    DateTimeOffset Now)
{
    /// <summary>The customer's hold, when the ERP set one before the case opened.</summary>
    public CustomerHold? Hold { get; init; }

    public string CaseId => DunningCase.StreamKey(CompanyId, Customer.CustomerId, Currency);
}

public static class AddInvoiceToCaseHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, AddInvoiceToCase command, DunningPolicy policy, CancellationToken cancellation) =>
        session.DecideAsync<DunningCase>(command.CaseId, state => DunningCaseDecider.Decide(command, state, policy), cancellation);
}
