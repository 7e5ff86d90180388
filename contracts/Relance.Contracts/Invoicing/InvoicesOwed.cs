namespace Relance.Contracts.Invoicing;

/// <summary>
/// Request to the Invoice service (request and response, on <see cref="InvoicingTopology.InvoicesOwedQueue"/>): what is
/// owed on these invoices now, as recorded. The Correspondence service asks it just before a reminder leaves (its last
/// look): a payment the Invoice service has recorded may not have reached the Reminder service yet, which recalls the
/// reminder only once it has.
/// </summary>
public sealed record CheckInvoicesOwed(string CompanyId, IReadOnlyList<string> InvoiceNumbers);

/// <summary>The Invoice service's answer to <see cref="CheckInvoicesOwed"/>: one line per invoice asked about.</summary>
/// <param name="CheckedAt">When the Invoice service read them (its clock).</param>
public sealed record InvoicesOwed(string CompanyId, IReadOnlyList<InvoiceOwed> Invoices, DateTimeOffset CheckedAt);

/// <param name="Status"><see cref="InvoiceOwedStatuses"/>.</param>
/// <param name="Outstanding">What is still owed on it (0 when settled, cancelled or unknown).</param>
public sealed record InvoiceOwed(string InvoiceNumber, string Status, decimal Outstanding);

public static class InvoiceOwedStatuses
{
    /// <summary>Something is still owed on it.</summary>
    public const string Open = "open";
    /// <summary>Paid or credited in full.</summary>
    public const string Settled = "settled";
    public const string Cancelled = "cancelled";
    /// <summary>The Invoice service has not recorded that invoice (or only payments waiting for it).</summary>
    public const string Unknown = "unknown";
}

public static class InvoicingTopology
{
    /// <summary>Where <see cref="CheckInvoicesOwed"/> is sent; the Invoice service answers each at once.</summary>
    public const string InvoicesOwedQueue = "invoice-invoices-owed";
}
