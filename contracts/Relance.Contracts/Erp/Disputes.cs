namespace Relance.Contracts.Erp;

/// <summary>The customer contests an invoice (from the ERP or the CRM): it leaves the chase until the dispute is closed.</summary>
public sealed record DisputeOpened : IErpMessage
{
    public string? CompanyId { get; init; }
    public string? InvoiceNumber { get; init; }
    /// <summary>Identifies the dispute: the same one opened again has no second effect.</summary>
    public string? DisputeId { get; init; }
    /// <summary>not-received, wrong-amount, quality, already-paid or other.</summary>
    public string? Reason { get; init; }
    public string? Comment { get; init; }
    public DateOnly? OpenedOn { get; init; }
}

/// <summary>The dispute is over: the invoice is chased again for what is still owed on it.</summary>
public sealed record DisputeClosed : IErpMessage
{
    public string? CompanyId { get; init; }
    public string? InvoiceNumber { get; init; }
    public string? DisputeId { get; init; }
    /// <summary>credit-note, corrected-invoice, invoice-resent, dispute-rejected or other.</summary>
    public string? Resolution { get; init; }
    public string? Comment { get; init; }
    public DateOnly? ClosedOn { get; init; }
}

/// <summary>
/// A lifecycle status of the invoice reported by the customer's e-invoicing platform (réforme de la facturation
/// électronique), forwarded by the ERP. Relance maps it: cashed (Encaissée) is a payment of
/// <see cref="Amount"/> or of everything still owed; disputed (En litige), suspended (Suspendue) and
/// refused (Refusée) open a dispute; approved (Approuvée) and the other statuses are recorded only.
/// </summary>
public sealed record EInvoicingStatusReported : IErpMessage
{
    public string? CompanyId { get; init; }
    public string? InvoiceNumber { get; init; }
    /// <summary>The platform's id of this status event: the same one reported again has no second effect.</summary>
    public string? StatusId { get; init; }
    /// <summary>cashed, disputed, suspended, refused, approved, or another platform status.</summary>
    public string? Status { get; init; }
    public DateOnly? StatusDate { get; init; }
    /// <summary>For cashed: the amount cashed, when the platform gives it.</summary>
    public decimal? Amount { get; init; }
    public string? Currency { get; init; }
    public string? Comment { get; init; }
}
