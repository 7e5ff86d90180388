using Relance.ReminderService.LatePayment;

namespace Relance.Cli.Dossier;

// What the litigation file states, read from the three services' events: pure data, laid out by SummaryPdf and
// written into the archive by DossierArchive. Amounts are computed to At; times are instants (shown in Paris time).

/// <param name="At">The day penalties and indemnities are computed to.</param>
/// <param name="Files">The archive's other files with their SHA-256, by name, as the summary lists them.</param>
public sealed record CaseFile(
    string CaseId,
    DateOnly At,
    string Currency,
    Creditor Creditor,
    Debtor Debtor,
    IReadOnlyList<CaseFileInvoice> Invoices,
    IReadOnlyList<ChronologyEntry> Chronology,
    IReadOnlyList<DeliveryProof> Proofs,
    IReadOnlyList<CaseFact> PromisesAndDisputes,
    FormalNotice? FormalNotice,
    IReadOnlyList<FileHash> Files)
{
    /// <summary>The documents whose bytes were erased with the debtor's personal data: stated, not archived.</summary>
    public IReadOnlyList<ErasedDocument> Erased { get; init; } = [];

    public decimal Principal => Invoices.Sum(i => i.Outstanding);
    public decimal Penalties => Invoices.Sum(i => i.Penalty.Amount);
    public decimal Indemnities => Invoices.Sum(i => i.Indemnity);
    public decimal Total => Principal + Penalties + Indemnities;
}

/// <param name="Source">Where the name and address come from (the Correspondence service's configuration, or the letters sent).</param>
public sealed record Creditor(string CompanyId, string Name, IReadOnlyList<string> Address, string Source);

/// <param name="DescribedAt">When the ERP last described the customer; none when only the case knew it.</param>
public sealed record Debtor(string CustomerId, string LegalName, string? Siren, IReadOnlyList<string> Address, DateTimeOffset? DescribedAt);

/// <param name="Paid">Payments and credit notes applied.</param>
/// <param name="Penalty">Late-payment penalties on the outstanding amount, from the day after the due date to the file's date (L441-10 II).</param>
/// <param name="Indemnity">The fixed recovery indemnity (D441-5), due on an invoice paid late: 0 when not late.</param>
public sealed record CaseFileInvoice(
    string Number,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal Amount,
    decimal Paid,
    decimal Outstanding,
    string Currency,
    string Status,
    PenaltyComputation Penalty,
    decimal Indemnity,
    string IndemnityCurrency);

/// <summary>One action of the chase: a reminder (one channel of a step), a call, an approval, the hand-over.</summary>
/// <param name="Document">The archived document's name in the file, when one was sent.</param>
public sealed record ChronologyEntry(DateTimeOffset At, string Step, string? Channel, string What, IReadOnlyList<string> Invoices, string? Document);

/// <summary>What proves a document left and arrived: its hash, the provider's word, the postal tracking.</summary>
public sealed record DeliveryProof(
    string Document,
    string Step,
    string Channel,
    string ContentSha256,
    DateTimeOffset? SentAt,
    string? TrackingNumber,
    DateOnly? PostedOn,
    DateOnly? DeliveredOn,
    DateOnly? AcknowledgedOn,
    string? AcknowledgmentScan,
    IReadOnlyList<string> Notes);

/// <summary>A promise to pay, a payment plan or a dispute, and what became of it.</summary>
public sealed record CaseFact(DateTimeOffset At, string Kind, string Text);

/// <param name="ReceivedOn">The day it counts as received, with <paramref name="ReceiptHow"/>; none while unproven.</param>
/// <param name="Deadline">The last day granted to pay.</param>
public sealed record FormalNotice(
    DateTimeOffset SentAt,
    string Channel,
    string? Document,
    int DeadlineDays,
    string? TrackingNumber,
    DateOnly? PostedOn,
    DateOnly? ReceivedOn,
    string ReceiptHow,
    DateOnly? Deadline);

public sealed record FileHash(string Name, string Sha256, long Length);

/// <summary>
/// A document sent whose bytes <c>relance privacy erase</c> replaced by a mask (personal data): the archive cannot hold
/// them, and states the SHA-256 recorded when it was sent and when the erasure was made (relance.audit_erasures).
/// </summary>
public sealed record ErasedDocument(string Name, string RecordedSha256, DateTimeOffset ErasedAt);
