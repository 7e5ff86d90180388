using Marten;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ReminderService.DunningPlans;
using Relance.ReminderService.LatePayment;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.AddingInvoice;

/// <summary>Put an unpaid invoice under its customer's case, opening (or reopening) the case if needed, and place it on the case's plan.</summary>
/// <param name="Plan">The plan a new case follows (the case's own plan prevails once it has one).</param>
/// <param name="PlanReason">Why that plan: the customer's own, its segment's, its company's, or the default.</param>
public sealed record AddInvoiceToCase(
    string CompanyId,
    CaseCustomer Customer,
    string Currency,
    string InvoiceNumber,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal Outstanding,
    DunningPlan Plan,
    string PlanReason,
    DateTimeOffset Now)
{
    /// <summary>The customer's hold, when the ERP set one before the case opened.</summary>
    public CustomerHold? Hold { get; init; }

    public decimal? LatePenaltyRatePercent { get; init; }

    public string? PaymentClause { get; init; }

    public string CaseId => DunningCase.StreamKey(CompanyId, Customer.CustomerId, Currency);
}

public static class AddInvoiceToCaseHandler
{
    public static Task<IReadOnlyList<object>> Handle(
        IDocumentSession session, AddInvoiceToCase command, DunningPolicy policy, LatePaymentLaw law, CancellationToken cancellation) =>
        session.DecideAsync<DunningCase>(command.CaseId, state => DunningCaseDecider.Decide(command, state, policy, law), cancellation);
}
