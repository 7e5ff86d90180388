namespace Relance.Contracts.Erp;

/// <summary>The ERP corrected an issued invoice: its new amounts and due date replace the old ones.</summary>
public sealed record InvoiceCorrected : IErpMessage
{
    public string? CompanyId { get; init; }
    public string? InvoiceNumber { get; init; }
    /// <summary>Identifies the correction: the same correction sent again is applied once.</summary>
    public string? CorrectionId { get; init; }
    public DateOnly? DueDate { get; init; }
    public decimal? AmountExcludingVat { get; init; }
    public decimal? AmountIncludingVat { get; init; }
    public string? Reason { get; init; }
}

/// <summary>The ERP cancelled an invoice: nothing is owed on it, its chase stops.</summary>
public sealed record InvoiceCancelled : IErpMessage
{
    public string? CompanyId { get; init; }
    public string? InvoiceNumber { get; init; }
    public string? Reason { get; init; }
}

/// <summary>A credit note, allocated to one or more of the customer's invoices.</summary>
public sealed record CreditNoteIssued : IErpMessage
{
    public string? CompanyId { get; init; }
    public string? CreditNoteNumber { get; init; }
    public string? CustomerId { get; init; }
    public DateOnly? IssueDate { get; init; }
    public string? Currency { get; init; }
    public IReadOnlyList<Allocation>? Allocations { get; init; }
}

/// <summary>The part of a payment or credit note that goes to one invoice.</summary>
public sealed record Allocation
{
    public string? InvoiceNumber { get; init; }
    public decimal? Amount { get; init; }
}
