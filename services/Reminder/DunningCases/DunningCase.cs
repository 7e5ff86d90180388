using System.Collections.Immutable;
using Relance.ReminderService.DunningPlans;

namespace Relance.ReminderService.DunningCases;

// The persisted schema of a dunning case: one per customer, company and currency, grouping all the
// customer's unpaid invoices so that one action covers them all, following one version of a dunning plan.

public sealed record DunningCaseOpened(
    string CaseId,
    string CompanyId,
    CaseCustomer Customer,
    string Currency,
    DateTimeOffset OpenedAt);

/// <summary>Who the customer is and how to reach it, as the ERP last described it.</summary>
public sealed record CaseCustomer(string CustomerId, string Name, string Email)
{
    public ImmutableList<CaseContact> Contacts { get; init; } = [];
    public CasePostalAddress? PostalAddress { get; init; }
    public CaseContact? AccountManager { get; init; }
    public string? Segment { get; init; }
}

/// <param name="Role">billing, accounting, management…</param>
public sealed record CaseContact(string Role, string Name, string? Email, string? Phone);

public sealed record CasePostalAddress(ImmutableList<string> Lines, string PostalCode, string City, string Country);

/// <summary>The case follows this plan version from now on; the plan is recorded whole, as it was.</summary>
public sealed record CasePlanAdopted(string PlanId, int Version, DunningPlan Plan, string Reason, DateTimeOffset AdoptedAt);

/// <param name="StartLevel">The ladder step (index in the plan) the invoice counts as having reached: -1 for none; more when caught up by age.</param>
/// <param name="CourtesySkipped">Courtesy steps already past when it arrived.</param>
/// <param name="NotBefore">No action for it before then (grouping delay, sending hours).</param>
/// <param name="LeftToPerson">Too old when first seen to be chased automatically.</param>
/// <param name="Rule">Which rules set the above, for the proof trail.</param>
public sealed record InvoiceJoinedCase(
    string InvoiceNumber,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal Outstanding,
    int StartLevel,
    ImmutableList<string> CourtesySkipped,
    DateTimeOffset NotBefore,
    bool LeftToPerson,
    string Rule,
    DateTimeOffset JoinedAt)
{
    /// <summary>The contract's late-penalty rate, when it sets one.</summary>
    public decimal? LatePenaltyRatePercent { get; init; }

    /// <summary>Why its payment terms exceed the legal maximum; none when they comply.</summary>
    public string? PaymentTermsBreach { get; init; }
}

public sealed record InvoiceBalanceChanged(
    string InvoiceNumber,
    decimal Outstanding,
    DateOnly DueDate,
    string Reason,
    DateTimeOffset RecordedAt);

public sealed record InvoiceLeftCase(string InvoiceNumber, string Reason, DateTimeOffset LeftAt);

/// <summary>One channel of a step asked for: sent by the Correspondence service, or a task for a person (phone).</summary>
/// <param name="ActionId">The step's action: the channels of one step share it.</param>
/// <param name="Level">Position of the step on the plan, 1 for the first.</param>
/// <param name="NextNotBefore">No other action for this customer before then (the plan's minimum gap).</param>
public sealed record ReminderRequested(
    Guid ReminderId,
    Guid ActionId,
    string Step,
    int Level,
    string Channel,
    ActionRecipient Recipient,
    ImmutableList<RemindedInvoice> Invoices,
    string Reason,
    DateTimeOffset RequestedAt,
    DateTimeOffset NextNotBefore)
{
    public string Tone { get; init; } = "courteous";
    public string Template { get; init; } = Step;
    public string Actor { get; init; } = "system";
    public int? PaymentDeadlineDays { get; init; }
    public ImmutableList<InvoiceClaim> Claims { get; init; } = [];
}

/// <param name="Via">Why this contact and channel: the role asked for, or the fallback taken.</param>
public sealed record ActionRecipient(
    string CustomerId,
    string Name,
    string? ContactName,
    string? Email,
    string? Phone,
    CasePostalAddress? PostalAddress,
    CaseContact? AccountManager,
    string Via);

/// <param name="LevelBefore">The invoice's level before this action, restored if it is left out when the action leaves.</param>
public sealed record RemindedInvoice(string InvoiceNumber, DateOnly IssueDate, DateOnly DueDate, decimal Outstanding, int LevelBefore);

/// <summary>Late-payment penalty and recovery indemnity claimed on one invoice (L441-10 II).</summary>
public sealed record InvoiceClaim(
    string InvoiceNumber,
    decimal Outstanding,
    int DaysLate,
    decimal AnnualRatePercent,
    string RateBasis,
    decimal Penalty,
    decimal RecoveryIndemnity,
    string IndemnityCurrency);

/// <summary>A step not taken, and why (amount under its minimum, due date passed before a courtesy reminder could go).</summary>
public sealed record StepSkipped(Guid ActionId, string Step, int Level, ImmutableList<RemindedInvoice> Invoices, string Reason, DateTimeOffset SkippedAt);

/// <summary>A step marked as needing approval is due: nothing more happens on the ladder until a person decides.</summary>
public sealed record ActionAwaitingApproval(Guid ActionId, string Step, int Level, ImmutableList<RemindedInvoice> Invoices, decimal Total, string Reason, DateTimeOffset At);

public sealed record ActionApproved(Guid ActionId, string Step, string By, string? Comment, DateTimeOffset ApprovedAt);

/// <summary>The step is refused: the ladder stops where it is until a person acts on the case.</summary>
public sealed record ActionRefused(Guid ActionId, string Step, string By, string Reason, DateTimeOffset RefusedAt);

/// <summary>
/// A step that cannot reach the customer on any of its channels (e.g. a registered letter with no postal
/// address): nothing is sent and the ladder waits until the ERP completes the customer.
/// </summary>
public sealed record StepBlocked(Guid ActionId, string Step, int Level, ImmutableList<RemindedInvoice> Invoices, string Reason, DateTimeOffset BlockedAt);

/// <summary>The amicable chase is over: the case goes to a lawyer or the court. Nothing more is automatic.</summary>
public sealed record CaseHandedToLitigation(
    Guid ActionId,
    string Step,
    int Level,
    ImmutableList<RemindedInvoice> Invoices,
    ImmutableList<InvoiceClaim> Claims,
    string Reason,
    DateTimeOffset HandedOverAt);

public sealed record ReminderSent(
    Guid ReminderId,
    string Channel,
    string Recipient,
    DateTimeOffset SentAt,
    string ContentSha256);

/// <summary>The ERP changed who the customer is or how to reach it.</summary>
public sealed record CaseContactChanged(CaseCustomer Customer, DateTimeOffset ChangedAt);

/// <summary>The ERP put the customer on hold: no action before <paramref name="ResumesAt"/>.</summary>
public sealed record CaseHoldSet(string Reason, DateOnly Until, DateTimeOffset ResumesAt, DateTimeOffset SetAt);

public sealed record CaseHoldLifted(DateTimeOffset LiftedAt);

/// <summary>The customer contests the invoice: it is not chased while a dispute on it is open.</summary>
public sealed record InvoiceDisputed(string InvoiceNumber, string DisputeId, string Reason, DateTimeOffset RecordedAt);

public sealed record InvoiceDisputeClosed(string InvoiceNumber, string DisputeId, string Resolution, DateTimeOffset RecordedAt);

/// <summary>A requested reminder that was not sent: none of the invoices it listed was still to chase when it was to leave.</summary>
/// <param name="LeftOut">Its invoices; those still open (contested meanwhile) go back to where they were.</param>
public sealed record ReminderWithdrawn(Guid ReminderId, ImmutableList<string> LeftOut, string Reason, DateTimeOffset WithdrawnAt);

/// <summary>A requested reminder sent without some of its invoices, paid, cancelled or contested meanwhile.</summary>
public sealed record ReminderNarrowed(Guid ReminderId, ImmutableList<string> LeftOut, string Reason, DateTimeOffset NarrowedAt);

public sealed record DunningCaseClosed(string Reason, DateTimeOffset ClosedAt);

public sealed record DunningCaseReopened(DateTimeOffset ReopenedAt);

public enum CaseStatus { Open, Closed, Litigation }

public sealed record CaseInvoice(
    string InvoiceNumber,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal Outstanding,
    // The index in the plan of the last ladder step taken for it; -1 for none.
    int Level,
    DateTimeOffset? LastStepAt,
    ImmutableHashSet<string> CourtesyDone,
    DateTimeOffset NotBefore,
    bool LeftToPerson)
{
    public ImmutableList<string> OpenDisputes { get; init; } = [];
    public decimal? LatePenaltyRatePercent { get; init; }
    public string? PaymentTermsBreach { get; init; }

    /// <summary>Chased: neither contested nor left to a person.</summary>
    public bool Chased => OpenDisputes.IsEmpty && !LeftToPerson;
}

public sealed record RequestedAction(Guid ReminderId, Guid ActionId, string Step, string Channel, DateTimeOffset RequestedAt, ImmutableList<RemindedInvoice> Invoices);

/// <param name="Invoices">The invoices the approval is asked for: only those, if still owed, are acted on once approved.</param>
public sealed record PendingApproval(Guid ActionId, int StepIndex, string Step, string Reason, DateTimeOffset Since)
{
    public ImmutableList<string> Invoices { get; init; } = [];
    public bool Approved { get; init; }
    public DateTimeOffset? ApprovedAt { get; init; }
}

public sealed record DunningCase(
    string Id,
    string CompanyId,
    CaseCustomer Customer,
    string Currency,
    CaseStatus Status,
    DunningPlan? Plan,
    ImmutableList<CaseInvoice> OpenInvoices,
    ImmutableHashSet<string> KnownInvoices,
    ImmutableList<RequestedAction> Requested,
    ImmutableList<Guid> SentReminders,
    // No action before then: the plan's minimum gap after the last one.
    DateTimeOffset? ActionsNotBefore,
    // No action before then either: the customer's hold, set by the ERP.
    CaseHoldSet? Hold,
    // When the last pause (a hold) ended, for steps timed from it.
    DateTimeOffset? PauseEndedAt,
    PendingApproval? AwaitingApproval,
    // A person refused a step: the ladder waits for a person.
    bool LadderStopped,
    // A step could not reach the customer: the ladder waits for the customer to be completed.
    StepBlocked? Blocked,
    // When the scheduler must next act on this case, and what it would do; null when nothing is planned. Indexed.
    DateTimeOffset? NextActionAt,
    string? NextAction)
{
    /// <summary>The stream version the state reflects (set by Marten), for batched optimistic appends.</summary>
    public long Version { get; set; }

    public static string StreamKey(string companyId, string customerId, string currency) => $"{companyId}/{customerId}/{currency}";
}
