namespace Relance.Contracts.Erp;

/// <summary>Published by an ERP, as plain JSON, when a customer's payment is allocated to an invoice.</summary>
public sealed record PaymentReceived
{
    public string? CompanyId { get; init; }
    /// <summary>The ERP's identifier of the payment: a payment seen twice is applied once.</summary>
    public string? PaymentId { get; init; }
    public string? InvoiceNumber { get; init; }
    public decimal? Amount { get; init; }
    public string? Currency { get; init; }
    public DateOnly? ReceivedOn { get; init; }
}
