namespace Relance.Contracts.Erp;

// What Relance tells the ERP happened, as plain JSON on one fanout exchange per kind (ErpTopology).
// Delivered at least once: the AMQP message_id is the id of the event behind it, the same on a repeat.

/// <summary>Nothing is owed on the invoice any more (paid, credited or corrected down to zero).</summary>
public sealed record ErpInvoiceSettled(
    string CompanyId,
    string InvoiceNumber,
    string CustomerId,
    DateOnly SettledOn,
    DateTimeOffset RecordedAt);

/// <summary>A reminder action was taken for a customer: which step, on which channel, when, for which invoices.</summary>
public sealed record ErpReminderActionTaken(
    string CompanyId,
    string CustomerId,
    string CaseId,
    Guid ReminderId,
    string Step,
    string Channel,
    string Recipient,
    IReadOnlyList<ErpRemindedInvoice> Invoices,
    DateTimeOffset TakenAt,
    string ContentSha256)
{
    /// <summary>Position of the step on the case's dunning plan, 1 for the first.</summary>
    public int Level { get; init; }
}

public sealed record ErpRemindedInvoice(string InvoiceNumber, decimal Outstanding, string Currency);

/// <summary>
/// Late-payment penalties and fixed recovery indemnities were claimed from the customer in a reminder action
/// that left (Code de commerce L441-10 II): the ERP may invoice them.
/// </summary>
public sealed record ErpPenaltiesClaimed(
    string CompanyId,
    string CustomerId,
    string CaseId,
    Guid ReminderId,
    string Step,
    IReadOnlyList<ErpInvoiceClaim> Claims,
    DateOnly ComputedOn,
    DateTimeOffset ClaimedAt);

/// <param name="Penalty">Simple interest from the day after the due date to the claim's date, in <paramref name="Currency"/>.</param>
/// <param name="RateBasis">Where the rate comes from (the contract, or the ECB rate plus the legal margin), for the ERP's invoice text.</param>
/// <param name="RecoveryIndemnity">The fixed indemnity for this late-paid invoice, in <paramref name="IndemnityCurrency"/>; not subject to VAT.</param>
public sealed record ErpInvoiceClaim(
    string InvoiceNumber,
    decimal Outstanding,
    string Currency,
    int DaysLate,
    decimal AnnualRatePercent,
    string RateBasis,
    decimal Penalty,
    decimal RecoveryIndemnity,
    string IndemnityCurrency);

/// <summary>The amicable chase is over: the case was handed over to litigation (order for payment, lawyer).</summary>
public sealed record ErpCaseHandedToLitigation(
    string CompanyId,
    string CustomerId,
    string CaseId,
    string Step,
    IReadOnlyList<ErpRemindedInvoice> Invoices,
    string Reason,
    DateTimeOffset HandedOverAt);
