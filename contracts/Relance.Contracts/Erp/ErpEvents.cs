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

// ——— What people did on a case (the human loop) ———
// "by" is the person who did it, or "system" when Relance itself saw it happen (a promise kept by a payment, an instalment missed).

/// <summary>A person logged a call with the customer: what came of it, what was agreed, for which invoices.</summary>
/// <param name="CallId">The planned call it answers (the reminderId of the phone step); none for a call not planned (the customer called).</param>
/// <param name="Step">The plan's step of the planned call (first-call…); none for a call not planned.</param>
/// <param name="Outcome">reached, no-answer, wrong-number, promise, dispute, says-already-paid or call-back.</param>
/// <param name="CallBackAt">When the call is to be made again (call-back, no-answer).</param>
/// <param name="Invoices">The invoices the call was about: the planned call's, else every invoice owed on the case, with what was owed then.</param>
public sealed record ErpCallLogged(
    string CompanyId,
    string CustomerId,
    string CaseId,
    Guid CallLogId,
    Guid? CallId,
    string? Step,
    string Outcome,
    string? ContactName,
    string? Notes,
    string? NextStep,
    DateTimeOffset? CallBackAt,
    IReadOnlyList<ErpRemindedInvoice> Invoices,
    string By,
    DateTimeOffset At);

/// <summary>A promise to pay made, kept or broken: the ERP may forecast the cash and show the promise.</summary>
/// <param name="Status">made, kept or broken.</param>
/// <param name="Paid">What was paid on its invoices since it was made, when kept or broken; none when made.</param>
/// <param name="Invoices">The invoices it covers, with what was owed on each when it was made.</param>
/// <param name="Reason">Why it was broken, in words; none otherwise.</param>
public sealed record ErpPaymentPromiseChanged(
    string CompanyId,
    string CustomerId,
    string CaseId,
    Guid PromiseId,
    string Status,
    decimal Amount,
    string Currency,
    DateOnly PromisedFor,
    decimal? Paid,
    IReadOnlyList<ErpRemindedInvoice> Invoices,
    string? Notes,
    string? Reason,
    string By,
    DateTimeOffset At)
{
    public const string Made = "made", Kept = "kept", Broken = "broken";
}

/// <summary>A payment plan (échéancier) agreed, an instalment paid, the plan broken or completed.</summary>
/// <param name="Status">agreed, instalment-paid, broken or completed.</param>
/// <param name="PaidToDate">What was paid on its invoices since it was agreed (0 when agreed).</param>
/// <param name="Instalment">The instalment concerned: the one paid, or the one missed; none when agreed or completed.</param>
/// <param name="DueToDate">What was due by the missed instalment, when broken; none otherwise.</param>
/// <param name="Reason">Why the plan was agreed, or why it broke, in words; none otherwise.</param>
public sealed record ErpPaymentPlanChanged(
    string CompanyId,
    string CustomerId,
    string CaseId,
    Guid PaymentPlanId,
    string Status,
    string Currency,
    IReadOnlyList<ErpInstalment> Instalments,
    IReadOnlyList<ErpRemindedInvoice> Invoices,
    decimal PaidToDate,
    int? Instalment,
    decimal? DueToDate,
    string? Reason,
    string By,
    DateTimeOffset At)
{
    public const string Agreed = "agreed", InstalmentPaid = "instalment-paid", Broken = "broken", Completed = "completed";
}

public sealed record ErpInstalment(int Number, DateOnly DueDate, decimal Amount);

/// <summary>
/// A person recorded that the customer contests invoices, or resolved a dispute: the ERP may block the invoices while it
/// is open. Disputes the ERP itself sent, opened or closed, are not told back.
/// </summary>
/// <param name="Status">opened or resolved.</param>
/// <param name="Category">not-received, wrong-amount, quality, already-paid or other, when a person opened it; none for a dispute the ERP opened.</param>
/// <param name="Resolution">credit-note, corrected-invoice, resent-invoice or rejected, when resolved; none when opened.</param>
/// <param name="Comment">What the person wrote about it.</param>
/// <param name="Invoices">The invoices opened or resolved by this decision, with what was owed on each.</param>
/// <param name="AwaitCorrectionUntil">Resolved by a credit note or a corrected invoice: the invoices wait for it from the ERP until then, not chased.</param>
public sealed record ErpDisputeChanged(
    string CompanyId,
    string CustomerId,
    string CaseId,
    string DisputeId,
    string Status,
    string? Category,
    string? Resolution,
    string? Comment,
    IReadOnlyList<ErpRemindedInvoice> Invoices,
    DateTimeOffset? AwaitCorrectionUntil,
    string By,
    DateTimeOffset At)
{
    public const string Opened = "opened", Resolved = "resolved";
}

/// <summary>A manager gave up the case's debts as lost: Relance chases nothing more on them, and the ERP may book the loss.</summary>
/// <param name="Invoices">Every invoice owed on the case, with what was owed on each.</param>
/// <param name="Total">What they add up to, in <paramref name="Currency"/>.</param>
public sealed record ErpCaseWrittenOff(
    string CompanyId,
    string CustomerId,
    string CaseId,
    IReadOnlyList<ErpRemindedInvoice> Invoices,
    decimal Total,
    string Currency,
    string Reason,
    string By,
    DateTimeOffset At);
