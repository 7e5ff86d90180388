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
    string ContentSha256);

public sealed record ErpRemindedInvoice(string InvoiceNumber, decimal Outstanding, string Currency);
