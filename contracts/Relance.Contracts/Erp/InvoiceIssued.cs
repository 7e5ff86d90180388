namespace Relance.Contracts.Erp;

/// <summary>
/// Published by an ERP, as plain JSON, when it issues an invoice. Every field is optional in the type so that
/// a message missing one is answered with a field-level rejection instead of failing to deserialize.
/// </summary>
public sealed record InvoiceIssued : IErpMessage
{
    public string? CompanyId { get; init; }
    public string? InvoiceNumber { get; init; }
    public Customer? Customer { get; init; }
    public DateOnly? IssueDate { get; init; }
    public DateOnly? DueDate { get; init; }
    public decimal? AmountExcludingVat { get; init; }
    public decimal? AmountIncludingVat { get; init; }
    /// <summary>ISO 4217 code, e.g. EUR.</summary>
    public string? Currency { get; init; }
    /// <summary>The agreed payment terms; checked against the legal maximum (Code de commerce L441-10).</summary>
    public PaymentTerms? PaymentTerms { get; init; }
    /// <summary>The contract's payment clause, quoted in reminder letters: its text or a reference to it.</summary>
    public string? PaymentClause { get; init; }
    /// <summary>The contractual late-payment penalty rate, in percent a year, when the contract sets one.</summary>
    public decimal? LatePenaltyRatePercent { get; init; }
    /// <summary>Documents to attach to reminders: the invoice PDF, the signed quote, purchase order or contract, bank details.</summary>
    public IReadOnlyList<Document>? Documents { get; init; }
}

public sealed record Customer
{
    public string? CustomerId { get; init; }
    public string? Name { get; init; }
    /// <summary>Billing contact's email: where reminders go.</summary>
    public string? Email { get; init; }
}

/// <param name="Days">Days granted, counted from the invoice date.</param>
/// <param name="EndOfMonth">True for "N days end of month" terms.</param>
public sealed record PaymentTerms
{
    public int? Days { get; init; }
    public bool? EndOfMonth { get; init; }
}

/// <summary>A document by reference (an https URL Relance may fetch) or by content (base64, at most 5 MB).</summary>
public sealed record Document
{
    /// <summary>invoice, quote, purchase-order, contract, bank-details or other.</summary>
    public string? Kind { get; init; }
    public string? Name { get; init; }
    public string? MediaType { get; init; }
    public string? Url { get; init; }
    public string? ContentBase64 { get; init; }
}
