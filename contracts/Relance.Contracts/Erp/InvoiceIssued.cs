namespace Relance.Contracts.Erp;

/// <summary>
/// Published by an ERP, as plain JSON, when it issues an invoice. Every field is optional in the type so that
/// a message missing one is answered with a field-level rejection instead of failing to deserialize.
/// </summary>
public sealed record InvoiceIssued
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
}

public sealed record Customer
{
    public string? CustomerId { get; init; }
    public string? Name { get; init; }
    /// <summary>Billing contact's email: where reminders go.</summary>
    public string? Email { get; init; }
}
