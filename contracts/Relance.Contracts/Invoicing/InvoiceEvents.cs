namespace Relance.Contracts.Invoicing;

/// <summary>Announced by the Invoice service once an ERP invoice is accepted. The message id is the event id.</summary>
public sealed record InvoiceRegistered(
    string CompanyId,
    string InvoiceNumber,
    string CustomerId,
    string CustomerName,
    string CustomerEmail,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal AmountIncludingVat,
    decimal Outstanding,
    string Currency);

/// <summary>A payment was applied to an invoice that is still partly unpaid.</summary>
public sealed record InvoicePartlyPaid(
    string CompanyId,
    string InvoiceNumber,
    string CustomerId,
    string PaymentId,
    decimal Amount,
    decimal Outstanding,
    string Currency,
    DateOnly ReceivedOn);

/// <summary>Nothing is owed on the invoice any more: every chase for it must stop.</summary>
public sealed record InvoiceSettled(
    string CompanyId,
    string InvoiceNumber,
    string CustomerId,
    string Currency,
    DateOnly SettledOn);
