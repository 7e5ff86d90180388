namespace Relance.Contracts.Erp;

/// <summary>
/// Published by an ERP, as plain JSON, when a customer pays. Either allocated to one invoice
/// (<see cref="InvoiceNumber"/>), to several (<see cref="Allocations"/>), or not yet allocated (neither: it is
/// recorded for the customer and changes no chase until the ERP allocates it).
/// </summary>
public sealed record PaymentReceived : IErpMessage
{
    public string? CompanyId { get; init; }
    /// <summary>The ERP's identifier of the payment: a payment seen twice is applied once.</summary>
    public string? PaymentId { get; init; }
    public string? CustomerId { get; init; }
    public string? InvoiceNumber { get; init; }
    public decimal? Amount { get; init; }
    public string? Currency { get; init; }
    public DateOnly? ReceivedOn { get; init; }
    public IReadOnlyList<Allocation>? Allocations { get; init; }
}
