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

    /// <summary>The language its documents are written in ("fr", "en"), as the ERP gave it; French when it gave none.</summary>
    public string? PreferredLanguage { get; init; }
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

    /// <summary>The contract's payment clause, quoted by the reminder letter.</summary>
    public string? PaymentClause { get; init; }
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
    /// <summary>The person who asked for it now; none when the schedule did.</summary>
    public string? RequestedBy { get; init; }
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
public sealed record StepSkipped(Guid ActionId, string Step, int Level, ImmutableList<RemindedInvoice> Invoices, string Reason, DateTimeOffset SkippedAt)
{
    /// <summary>The person who skipped it; none when the plan's rules did.</summary>
    public string? By { get; init; }
}

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
public sealed record CaseHoldSet(string Reason, DateOnly Until, DateTimeOffset ResumesAt, DateTimeOffset SetAt)
{
    /// <summary>erp, or the person who set it: the ERP lifts only the holds it set.</summary>
    public string By { get; init; } = "erp";
}

public sealed record CaseHoldLifted(DateTimeOffset LiftedAt)
{
    /// <summary>Whose hold ends: the ERP's (erp) or a person's (person); the two are kept apart.</summary>
    public string Of { get; init; } = "erp";

    /// <summary>expired, lifted by the ERP, or why a person lifted it early.</summary>
    public string Reason { get; init; } = "lifted by the ERP";
    public string By { get; init; } = "erp";
}

/// <summary>The customer contests the invoice: it is not chased while a dispute on it is open.</summary>
public sealed record InvoiceDisputed(string InvoiceNumber, string DisputeId, string Reason, DateTimeOffset RecordedAt)
{
    /// <summary>One of <see cref="Disputes.Reasons"/> when a person recorded it; none from the ERP (its reason is free text).</summary>
    public string? Category { get; init; }
    public string By { get; init; } = "erp";
}

public sealed record InvoiceDisputeClosed(string InvoiceNumber, string DisputeId, string Resolution, DateTimeOffset RecordedAt)
{
    /// <summary>One of <see cref="Disputes.Resolutions"/> when a person resolved it.</summary>
    public string? Outcome { get; init; }
    public string By { get; init; } = "erp";
    /// <summary>Resolved by a credit note or a correction: the invoice waits for it from the ERP until then, not chased.</summary>
    public DateTimeOffset? AwaitCorrectionUntil { get; init; }
}

/// <summary>A requested reminder that was not sent: none of the invoices it listed was still to chase when it was to leave.</summary>
/// <param name="LeftOut">Its invoices; those still open (contested meanwhile) go back to where they were.</param>
public sealed record ReminderWithdrawn(Guid ReminderId, ImmutableList<string> LeftOut, string Reason, DateTimeOffset WithdrawnAt);

/// <summary>
/// A reminder already handed to the Correspondence service, none of whose invoices is still to chase (paid,
/// cancelled, contested, held, promised or put in a payment plan since): it was asked not to send it. Its answer
/// follows: <see cref="ReminderWithdrawn"/> when it never left, <see cref="ReminderSent"/> when it had.
/// </summary>
public sealed record ReminderRecalled(Guid ReminderId, string Reason, DateTimeOffset RecalledAt);

/// <summary>A requested reminder sent without some of its invoices, paid, cancelled or contested meanwhile.</summary>
public sealed record ReminderNarrowed(Guid ReminderId, ImmutableList<string> LeftOut, string Reason, DateTimeOffset NarrowedAt);

public sealed record DunningCaseClosed(string Reason, DateTimeOffset ClosedAt);

public sealed record DunningCaseReopened(DateTimeOffset ReopenedAt);

// ——— The human loop: people act on the case (calls, promises, disputes, payment plans, holds, manual actions) ———

/// <summary>A call to make: a phone step of the plan, waiting in someone's work queue until it is logged.</summary>
/// <param name="Queue">Whose work it is by the plan: collector or account-manager.</param>
/// <param name="Assignee">The person it is assigned to; none while unassigned.</param>
public sealed record MadeCall(Guid CallId, DateTimeOffset At);

public sealed record CaseDispute(string DisputeId, string? Category, string Reason, ImmutableList<string> Invoices, string By, DateTimeOffset OpenedAt);

public sealed record CallTask(Guid CallId, Guid ActionId, string Step, int Level, string Queue, string? Assignee, DateTimeOffset DueAt, ImmutableList<RemindedInvoice> Invoices)
{
    public ActionRecipient? Recipient { get; init; }
    public int Attempts { get; init; }
    public string? LastOutcome { get; init; }
}

/// <summary>The case's collector: calls of the collector's queue go to this person unless assigned to another.</summary>
public sealed record CaseAssigned(string Collector, string By, DateTimeOffset At);

/// <summary>A call to make is given to a person.</summary>
public sealed record CallAssigned(Guid CallId, string Assignee, string By, DateTimeOffset At);

/// <summary>Outcomes of a call, as a person logs them.</summary>
public static class CallOutcomes
{
    public const string Reached = "reached", NoAnswer = "no-answer", WrongNumber = "wrong-number", Promise = "promise",
        Dispute = "dispute", SaysAlreadyPaid = "says-already-paid", CallBack = "call-back";

    public static readonly IReadOnlyList<string> All = [Reached, NoAnswer, WrongNumber, Promise, Dispute, SaysAlreadyPaid, CallBack];
}

/// <summary>A contact with the customer by phone, logged by the person who made it (or took it).</summary>
/// <param name="CallId">The call of the work queue it answers; none for a call not planned (the customer called).</param>
/// <param name="NextStep">What was agreed to do next, in the person's words.</param>
/// <param name="CallBackAt">When to call again (call back, no answer); the call stays in the queue until then.</param>
public sealed record CallLogged(
    Guid CallLogId,
    Guid? CallId,
    string Outcome,
    string? ContactName,
    string? Phone,
    string? Notes,
    string? NextStep,
    DateTimeOffset? CallBackAt,
    string By,
    DateTimeOffset At);

/// <summary>A phone number the customer could not be reached on: phone steps fall back to the next channel until the ERP gives another.</summary>
public sealed record PhoneNumberReportedWrong(string Phone, string By, DateTimeOffset At);

/// <summary>An invoice covered by a promise or a payment plan, with what it owed when it was agreed.</summary>
public sealed record ArrangedInvoice(string InvoiceNumber, decimal OutstandingWhenAgreed);

/// <summary>The customer promised to pay <paramref name="Amount"/> by <paramref name="PromisedFor"/>: its invoices are not chased until <paramref name="DeadlineAt"/> (the date plus a grace period).</summary>
public sealed record PaymentPromised(
    Guid PromiseId,
    decimal Amount,
    DateOnly PromisedFor,
    DateTimeOffset DeadlineAt,
    ImmutableList<ArrangedInvoice> Invoices,
    string? Notes,
    string By,
    DateTimeOffset At);

public sealed record PaymentPromiseKept(Guid PromiseId, decimal Paid, DateTimeOffset At);

/// <summary>Not paid by the deadline: the chase of its invoices resumes at their next step.</summary>
public sealed record PaymentPromiseBroken(Guid PromiseId, decimal Promised, decimal Paid, string Reason, DateTimeOffset At);

public sealed record Instalment(int Number, DateOnly DueDate, decimal Amount);

/// <summary>A payment plan (échéancier) agreed with the customer: its invoices are not chased while instalments are paid on time.</summary>
public sealed record PaymentPlanAgreed(
    Guid PaymentPlanId,
    ImmutableList<Instalment> Instalments,
    ImmutableList<ArrangedInvoice> Invoices,
    int GraceDays,
    string Reason,
    string By,
    DateTimeOffset At);

/// <summary>Payments since the plan was agreed cover the instalments up to this one.</summary>
public sealed record InstalmentPaid(Guid PaymentPlanId, int Number, decimal PaidToDate, DateTimeOffset At);

/// <summary>An instalment not paid by its date plus the grace period: the chase of the plan's invoices resumes.</summary>
public sealed record PaymentPlanBroken(Guid PaymentPlanId, int MissedInstalment, decimal DueToDate, decimal PaidToDate, string Reason, DateTimeOffset At);

public sealed record PaymentPlanCompleted(Guid PaymentPlanId, decimal Paid, DateTimeOffset At);

/// <summary>One invoice is not chased until <paramref name="ResumesAt"/>.</summary>
public sealed record InvoiceHoldSet(string InvoiceNumber, string Reason, DateOnly Until, DateTimeOffset ResumesAt, string By, DateTimeOffset SetAt);

/// <param name="Reason">expired, or why a person lifted it early.</param>
public sealed record InvoiceHoldLifted(string InvoiceNumber, string Reason, string By, DateTimeOffset LiftedAt);

/// <summary>Kinds of dispute a person records, and how a dispute ends.</summary>
public static class Disputes
{
    public const string NotReceived = "not-received", WrongAmount = "wrong-amount", Quality = "quality", AlreadyPaid = "already-paid", Other = "other";
    public static readonly IReadOnlyList<string> Reasons = [NotReceived, WrongAmount, Quality, AlreadyPaid, Other];

    public const string CreditNote = "credit-note", CorrectedInvoice = "corrected-invoice", ResentInvoice = "resent-invoice", Rejected = "rejected";
    public static readonly IReadOnlyList<string> Resolutions = [CreditNote, CorrectedInvoice, ResentInvoice, Rejected];
}

/// <summary>A dispute resolved by a credit note or a corrected invoice that the ERP has not sent in the time allowed: the invoice is chased again as it stands.</summary>
public sealed record InvoiceCorrectionNotReceived(string InvoiceNumber, string DisputeId, string Reason, DateTimeOffset At);

/// <summary>Invoices too old when first seen to be chased automatically, taken over by a person: the ladder chases them from its first step after the due date.</summary>
public sealed record InvoicesTakenOver(ImmutableList<string> Invoices, string By, string Reason, DateTimeOffset At);

/// <summary>A note on the case, for the people who work on it and for the record.</summary>
public sealed record CaseNoteAdded(Guid NoteId, string Text, string By, DateTimeOffset At);

/// <summary>A person took the case back down the ladder: the next step is the one after <paramref name="ToStep"/> (none: the first).</summary>
public sealed record CaseLevelLowered(int FromLevel, int ToLevel, string? ToStep, string By, string Reason, DateTimeOffset At);

/// <summary>The case's debts are given up as lost: nothing more is chased, and the ERP may write them off.</summary>
public sealed record CaseWrittenOff(ImmutableList<RemindedInvoice> Invoices, decimal Total, string By, string Reason, DateTimeOffset At);

/// <summary>A promise to pay, in force.</summary>
public sealed record ActivePromise(Guid PromiseId, decimal Amount, DateOnly PromisedFor, DateTimeOffset DeadlineAt, ImmutableList<ArrangedInvoice> Invoices);

/// <summary>A payment plan, in force.</summary>
public sealed record ActivePaymentPlan(Guid PaymentPlanId, ImmutableList<Instalment> Instalments, ImmutableList<ArrangedInvoice> Invoices, int GraceDays, int InstalmentsPaid);

/// <summary>A hold on one invoice.</summary>
public sealed record InvoiceHold(string Reason, DateOnly Until, DateTimeOffset ResumesAt, string By);

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
    public string? PaymentClause { get; init; }
    /// <summary>The due date it joined the case with; <see cref="DueDate"/> differs once the ERP postponed it.</summary>
    public DateOnly? OriginalDueDate { get; init; }
    public InvoiceHold? Hold { get; init; }
    /// <summary>The promise or payment plan covering it, while one is in force.</summary>
    public Guid? Arrangement { get; init; }
    /// <summary>A dispute resolved by a credit note or a correction the ERP has yet to send: not chased meanwhile, until then at most.</summary>
    public DateTimeOffset? AwaitingCorrectionUntil { get; init; }
    public string? AwaitingCorrectionFor { get; init; }

    /// <summary>Chased: not contested, not left to a person, not held, not under a promise or a payment plan, not awaiting a correction.</summary>
    public bool Chased => OpenDisputes.IsEmpty && !LeftToPerson && Hold is null && Arrangement is null && AwaitingCorrectionUntil is null;
}

public sealed record RequestedAction(Guid ReminderId, Guid ActionId, string Step, string Channel, DateTimeOffset RequestedAt, ImmutableList<RemindedInvoice> Invoices)
{
    /// <summary>Whom it was addressed to: the address a failed delivery makes the case avoid.</summary>
    public ActionRecipient? Recipient { get; init; }

    /// <summary>Its step's position on the plan, 0 for an action off the ladder (an invoice sent again).</summary>
    public int Level { get; init; } = 1;
}

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

    /// <summary>The calls to make, in the work queues until logged.</summary>
    public ImmutableList<CallTask> Calls { get; init; } = [];
    /// <summary>The earliest time a call of the case is due; indexed, for the work queues.</summary>
    public DateTimeOffset? CallsDueFrom { get; init; }
    /// <summary>The calls that reached someone, for the letters that recall earlier actions.</summary>
    public ImmutableList<Guid> CallsMade { get; init; } = [];
    /// <summary>When each call of <see cref="CallsMade"/> reached someone (the first time): the date a letter recalls.</summary>
    public ImmutableList<MadeCall> CallsMadeAt { get; init; } = [];
    public string? Collector { get; init; }
    public ImmutableHashSet<string> WrongPhones { get; init; } = [];
    public ActivePromise? Promise { get; init; }
    public ActivePaymentPlan? PaymentPlan { get; init; }
    /// <summary>The disputes open on the case, by id, with the kind a person gave and the invoices they cover.</summary>
    public ImmutableList<CaseDispute> Disputes { get; init; } = [];
    /// <summary>A hold set by a person, kept apart from the ERP's (<see cref="Hold"/>): each ends on its own, the later one rules.</summary>
    public CaseHoldSet? PersonHold { get; init; }
    /// <summary>Disputes closed on the case: the same dispute heard again (a redelivered message) does not reopen it.</summary>
    public ImmutableHashSet<string> ClosedDisputes { get; init; } = [];
    /// <summary>The letters and registered letters sent, with their postal tracking: a formal notice's deadline runs from its receipt.</summary>
    public ImmutableList<CaseLetter> Letters { get; init; } = [];
    /// <summary>The reminders that did not reach the customer (bounced, undelivered, refused), for the people who work the case.</summary>
    public ImmutableList<ReminderNotDelivered> Undelivered { get; init; } = [];
    /// <summary>Email addresses a reminder bounced from (lower case): email steps avoid them until the ERP gives another.</summary>
    public ImmutableHashSet<string> UndeliverableEmails { get; init; } = [];
    /// <summary>Numbers an SMS was not delivered to: SMS steps avoid them until the ERP gives another.</summary>
    public ImmutableHashSet<string> UndeliverableSmsNumbers { get; init; } = [];
    /// <summary>Reminders withdrawn before they left: by the hand-over itself, or by the Correspondence service when recalled.</summary>
    public ImmutableList<Guid> WithdrawnReminders { get; init; } = [];
    /// <summary>Reminders recalled from the Correspondence service after their hand-over (<see cref="ReminderRecalled"/>).</summary>
    public ImmutableList<Guid> RecalledReminders { get; init; } = [];
    /// <summary>Postal addresses a letter came back from, unknown there (<see cref="DunningCaseDecider.AddressKey"/>): letters avoid them until the ERP gives another.</summary>
    public ImmutableHashSet<string> UndeliverablePostalAddresses { get; init; } = [];

    /// <summary>When the holds in force end: the later of the ERP's and a person's.</summary>
    public DateTimeOffset? HeldUntil => (Hold?.ResumesAt, PersonHold?.ResumesAt) switch
    {
        ({ } erp, { } person) => erp > person ? erp : person,
        (var erp, var person) => erp ?? person,
    };

    public static string StreamKey(string companyId, string customerId, string currency) => $"{companyId}/{customerId}/{currency}";
}

// ——— A letter's postal tracking, as the Correspondence service reports it (in any order, each fact once) ———

public sealed record LetterPosted(Guid ReminderId, string TrackingNumber, DateOnly PostedOn, DateTimeOffset RecordedAt);

public sealed record LetterDelivered(Guid ReminderId, DateOnly DeliveredOn, DateTimeOffset RecordedAt);

/// <summary>
/// A registered letter's acknowledgment of receipt signed: the proof of receipt a formal notice's deadline runs
/// from. Recorded a second time, with <paramref name="CardSha256"/>, when the scanned card comes after the date.
/// </summary>
public sealed record LetterReceiptAcknowledged(Guid ReminderId, DateOnly SignedOn, string? CardSha256, DateTimeOffset RecordedAt);

/// <param name="Reason">unclaimed (pli avisé non réclamé), address-unknown or refused.</param>
/// <param name="FirstPresentedOn">When first presented: an unclaimed or refused registered letter counts as received then.</param>
public sealed record LetterReturned(Guid ReminderId, string Reason, DateOnly? FirstPresentedOn, DateOnly ReturnedOn, DateTimeOffset RecordedAt);

/// <summary>A letter the case sent (one channel of a step), and what its postal tracking told so far.</summary>
public sealed record CaseLetter(Guid ReminderId, string Step, string Channel, int? PaymentDeadlineDays, DateTimeOffset RequestedAt)
{
    public DateOnly? PostedOn { get; init; }
    public DateOnly? DeliveredOn { get; init; }
    public DateOnly? AcknowledgedOn { get; init; }
    public string? AcknowledgmentCardSha256 { get; init; }
    public LetterReturned? Returned { get; init; }

    /// <summary>
    /// The day the addressee counts as having received it, with why: the acknowledgment's signature, else the
    /// first presentation of a letter returned unclaimed or refused; none while unproven (or returned for an unknown address).
    /// </summary>
    public (DateOnly On, string How)? Receipt => (AcknowledgedOn, Returned) switch
    {
        ({ } signed, _) => (signed, $"acknowledgment of receipt signed {signed:yyyy-MM-dd}"),
        (_, { Reason: "unclaimed" or "refused" } returned) => (returned.FirstPresentedOn ?? returned.ReturnedOn,
            $"returned {returned.Reason}, first presented {returned.FirstPresentedOn ?? returned.ReturnedOn:yyyy-MM-dd}"),
        _ => null,
    };
}

// ——— A reminder that did not reach the customer, as the Correspondence service reports it ———

/// <summary>
/// A reminder the case asked for did not reach its recipient: an email bounced, an SMS the gateway reports
/// undelivered, or a provider refused it for good. Recorded once per reminder and kind.
/// </summary>
/// <param name="Recipient">The address it failed on, as the Correspondence service reports it.</param>
/// <param name="Kind">bounced, delivery-failed, returned (a letter, address unknown), refused, expired…</param>
/// <param name="Reason">What the provider or the mail system said.</param>
/// <param name="Avoided">
/// The email address (lower case), SMS number or postal address (<see cref="DunningCaseDecider.AddressKey"/>), as the
/// case addressed it, that the steps of its channel no longer use until the ERP gives another; none when the failure
/// is not about that address (<see cref="DunningCaseDecider.Avoids"/>).
/// </param>
/// <param name="At">When it failed, by the provider's report.</param>
public sealed record ReminderNotDelivered(
    Guid ReminderId,
    string Step,
    string Channel,
    string Recipient,
    string Kind,
    string Reason,
    string? Avoided,
    DateTimeOffset At,
    DateTimeOffset RecordedAt);
