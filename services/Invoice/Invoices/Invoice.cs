using System.Collections.Immutable;

namespace Relance.InvoiceService.Invoices;

// The persisted schema of an invoice's stream: its events, its state and how one evolves into the other.
// A payment or credit note that arrives before its invoice is parked in the invoice's stream and applied
// when the invoice is issued.

public sealed record InvoiceIssued(
    string CompanyId,
    string InvoiceNumber,
    InvoiceCustomer Customer,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal AmountExcludingVat,
    decimal AmountIncludingVat,
    string Currency,
    DateTimeOffset RecordedAt)
{
    public PaymentTerms? PaymentTerms { get; init; }
    public string? PaymentClause { get; init; }
    public decimal? LatePenaltyRatePercent { get; init; }
    public ImmutableList<InvoiceDocument> Documents { get; init; } = [];
}

public sealed record InvoiceCustomer(string CustomerId, string Name, string Email);

public sealed record PaymentTerms(int Days, bool EndOfMonth);

/// <param name="Url">Where the document can be fetched, when sent by reference.</param>
/// <param name="ContentBase64">The document itself, when sent by content.</param>
public sealed record InvoiceDocument(string Kind, string Name, string MediaType, string? Url, string? ContentBase64);

public sealed record PaymentReceived(
    string PaymentId,
    decimal Amount,
    DateOnly ReceivedOn,
    decimal OutstandingAfter,
    DateTimeOffset RecordedAt);

public sealed record CreditNoteApplied(
    string CreditNoteNumber,
    decimal Amount,
    DateOnly IssueDate,
    decimal OutstandingAfter,
    DateTimeOffset RecordedAt);

/// <summary>A payment or credit note for this invoice arrived before the invoice itself; kept until it comes.</summary>
public sealed record AllocationParked(
    string CompanyId,
    string InvoiceNumber,
    AllocationKind Kind,
    string Reference,
    decimal Amount,
    string Currency,
    DateOnly On,
    DateTimeOffset RecordedAt)
{
    /// <summary>The customer the ERP named with it, if any: checked against the invoice's when it comes.</summary>
    public string? CustomerId { get; init; }
}

/// <summary>A parked allocation that cannot apply to the invoice once it came (another currency or customer), with why.</summary>
public sealed record ParkedAllocationRefused(AllocationKind Kind, string Reference, string Reason, DateTimeOffset RecordedAt);

public sealed record InvoiceCorrected(
    string CorrectionId,
    DateOnly DueDate,
    decimal AmountExcludingVat,
    decimal AmountIncludingVat,
    string Reason,
    decimal OutstandingAfter,
    DateTimeOffset RecordedAt);

public sealed record InvoiceCancelled(string Reason, DateTimeOffset RecordedAt);

public sealed record InvoiceSettled(DateOnly SettledOn, DateTimeOffset RecordedAt);

/// <param name="Reason">not-received, wrong-amount, quality, already-paid, other; or the e-invoicing status that opened it.</param>
public sealed record DisputeOpened(string DisputeId, string Reason, string? Comment, DateOnly OpenedOn, DateTimeOffset RecordedAt);

public sealed record DisputeClosed(string DisputeId, string Resolution, string? Comment, DateOnly ClosedOn, DateTimeOffset RecordedAt);

/// <summary>What the customer's e-invoicing platform said of the invoice, as the ERP forwarded it.</summary>
public sealed record EInvoicingStatusRecorded(string StatusId, string Status, DateOnly StatusDate, decimal? Amount, string? Comment, DateTimeOffset RecordedAt);

public enum AllocationKind { Payment, CreditNote }

/// <summary>Awaiting: only parked allocations are known, the invoice itself has not come yet.</summary>
public enum InvoiceStatus { Awaiting, Open, Settled, Cancelled }

public sealed record ParkedAllocation(AllocationKind Kind, string Reference, decimal Amount, string Currency, DateOnly On)
{
    public string? CustomerId { get; init; }
}

/// <summary>What a correction set, as the ERP sent it: the same correction id again must say the same.</summary>
public sealed record CorrectionContent(DateOnly DueDate, decimal AmountExcludingVat, decimal AmountIncludingVat, string Reason);

public sealed record Invoice(
    string Id,
    InvoiceIssued? Issued,
    DateOnly? DueDate,
    decimal AmountIncludingVat,
    decimal Paid,
    decimal Credited,
    ImmutableList<string> PaymentIds,
    ImmutableList<string> CreditNotes,
    ImmutableList<string> Corrections,
    ImmutableList<ParkedAllocation> Parked,
    InvoiceStatus Status)
{
    public ImmutableList<string> OpenDisputes { get; init; } = [];
    public ImmutableList<string> ClosedDisputes { get; init; } = [];
    public ImmutableList<string> EInvoicingStatuses { get; init; } = [];

    public decimal Outstanding => AmountIncludingVat - Paid - Credited;

    /// <summary>The stream key: invoice numbers are unique within a company, not across companies.</summary>
    public static string StreamKey(string companyId, string invoiceNumber) => $"{companyId}/{invoiceNumber}";

    /// <summary>The amounts already applied or parked, by payment id or credit note number.</summary>
    public ImmutableDictionary<string, decimal> AllocatedAmounts { get; init; } = ImmutableDictionary<string, decimal>.Empty;

    public bool Knows(AllocationKind kind, string reference) => kind switch
    {
        AllocationKind.Payment => PaymentIds.Contains(reference),
        _ => CreditNotes.Contains(reference),
    } || Parked.Exists(p => p.Kind == kind && p.Reference == reference);

    public static string AllocationKey(AllocationKind kind, string reference) => $"{kind}:{reference}";

    /// <summary>The content of each correction applied, by correction id.</summary>
    public ImmutableDictionary<string, CorrectionContent> CorrectionContents { get; init; } = ImmutableDictionary<string, CorrectionContent>.Empty;
}

/// <summary>How an invoice's state follows from its events (kept apart from <see cref="Invoice"/>: Marten's source generator claims methods of that name on the aggregate).</summary>
public static class InvoiceEvolution
{
    public static Invoice? Evolve(Invoice? state, object @event) => (state ?? Empty(@event), @event) switch
    {
        (null, _) => null,
        (var s, InvoiceIssued issued) => s with
        {
            Issued = issued, DueDate = issued.DueDate, AmountIncludingVat = issued.AmountIncludingVat, Status = InvoiceStatus.Open,
        },
        (var s, AllocationParked parked) => s with
        {
            Parked = s.Parked.Add(new ParkedAllocation(parked.Kind, parked.Reference, parked.Amount, parked.Currency, parked.On) { CustomerId = parked.CustomerId }),
            AllocatedAmounts = s.AllocatedAmounts.SetItem(Invoice.AllocationKey(parked.Kind, parked.Reference), parked.Amount),
        },
        (var s, PaymentReceived payment) => s with
        {
            Paid = s.Paid + payment.Amount,
            PaymentIds = s.PaymentIds.Add(payment.PaymentId),
            AllocatedAmounts = s.AllocatedAmounts.SetItem(Invoice.AllocationKey(AllocationKind.Payment, payment.PaymentId), payment.Amount),
            Parked = s.Parked.RemoveAll(p => p.Kind == AllocationKind.Payment && p.Reference == payment.PaymentId),
        },
        (var s, CreditNoteApplied credit) => s with
        {
            Credited = s.Credited + credit.Amount,
            CreditNotes = s.CreditNotes.Add(credit.CreditNoteNumber),
            AllocatedAmounts = s.AllocatedAmounts.SetItem(Invoice.AllocationKey(AllocationKind.CreditNote, credit.CreditNoteNumber), credit.Amount),
            Parked = s.Parked.RemoveAll(p => p.Kind == AllocationKind.CreditNote && p.Reference == credit.CreditNoteNumber),
        },
        (var s, ParkedAllocationRefused refused) => s with
        {
            Parked = s.Parked.RemoveAll(p => p.Kind == refused.Kind && p.Reference == refused.Reference),
        },
        (var s, InvoiceCorrected corrected) => s with
        {
            DueDate = corrected.DueDate, AmountIncludingVat = corrected.AmountIncludingVat, Corrections = s.Corrections.Add(corrected.CorrectionId),
            CorrectionContents = s.CorrectionContents.SetItem(corrected.CorrectionId,
                new CorrectionContent(corrected.DueDate, corrected.AmountExcludingVat, corrected.AmountIncludingVat, corrected.Reason)),
        },
        (var s, InvoiceCancelled) => s with { Status = InvoiceStatus.Cancelled },
        (var s, DisputeOpened opened) => s with { OpenDisputes = s.OpenDisputes.Add(opened.DisputeId) },
        (var s, DisputeClosed closed) => s with
        {
            OpenDisputes = s.OpenDisputes.Remove(closed.DisputeId), ClosedDisputes = s.ClosedDisputes.Add(closed.DisputeId),
        },
        (var s, EInvoicingStatusRecorded status) => s with { EInvoicingStatuses = s.EInvoicingStatuses.Add(status.StatusId) },
        (var s, InvoiceSettled) => s with { Status = InvoiceStatus.Settled },
        (var s, _) => s,
    };

    // The first event of a stream: an invoice, or an allocation parked before its invoice.
    static Invoice? Empty(object first) => first switch
    {
        InvoiceIssued i => New(Invoice.StreamKey(i.CompanyId, i.InvoiceNumber)),
        AllocationParked p => New(Invoice.StreamKey(p.CompanyId, p.InvoiceNumber)),
        _ => null,
    };

    static Invoice New(string id) => new(id, null, null, 0, 0, 0, [], [], [], [], InvoiceStatus.Awaiting);
}
