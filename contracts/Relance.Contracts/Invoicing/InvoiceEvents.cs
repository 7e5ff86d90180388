namespace Relance.Contracts.Invoicing;

// Announced by the Invoice service to the other services. Each message's id is the id of the event that
// caused it; messages about one customer's invoices arrive in the order they were committed.

/// <summary>An ERP invoice was accepted.</summary>
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
    string Currency)
{
    /// <summary>The contract's late-penalty rate, when it sets one (else the legal rate applies).</summary>
    public decimal? LatePenaltyRatePercent { get; init; }

    /// <summary>The contract's payment clause as the ERP sent it, which the reminder letter quotes.</summary>
    public string? PaymentClause { get; init; }
}

/// <summary>What is owed on an invoice, or when, changed (payment, credit note, correction), and something is still owed.</summary>
/// <param name="Reason">payment, credit-note or correction.</param>
public sealed record InvoiceBalanceChanged(
    string CompanyId,
    string InvoiceNumber,
    string CustomerId,
    string Currency,
    decimal Outstanding,
    DateOnly DueDate,
    string Reason);

/// <summary>Nothing is owed on the invoice any more: every chase for it must stop.</summary>
public sealed record InvoiceSettled(
    string CompanyId,
    string InvoiceNumber,
    string CustomerId,
    string Currency,
    DateOnly SettledOn);

/// <summary>The ERP cancelled the invoice: every chase for it must stop.</summary>
public sealed record InvoiceCancelled(
    string CompanyId,
    string InvoiceNumber,
    string CustomerId,
    string Currency,
    string Reason);

/// <summary>The invoice is contested: it leaves the chase until the dispute is closed.</summary>
public sealed record InvoiceDisputed(
    string CompanyId,
    string InvoiceNumber,
    string CustomerId,
    string Currency,
    string DisputeId,
    string Reason);

/// <summary>A dispute on the invoice is closed: chase what is still owed, unless another dispute stays open.</summary>
public sealed record InvoiceDisputeClosed(
    string CompanyId,
    string InvoiceNumber,
    string CustomerId,
    string Currency,
    string DisputeId,
    string Resolution);

/// <summary>What the Reminder service needs of a customer the ERP created or updated.</summary>
/// <param name="ReminderEmail">The billing contact's email, else the accounting one's; none when neither has one.</param>
/// <param name="HoldUntil">No reminder before this date, when the ERP put the customer on hold.</param>
public sealed record CustomerUpdated(
    string CompanyId,
    string CustomerId,
    string LegalName,
    string? ReminderEmail,
    string PreferredLanguage,
    string PreferredChannel,
    string? HoldReason,
    DateOnly? HoldUntil)
{
    /// <summary>Contacts by role (billing, accounting, management…), for the step that addresses each.</summary>
    public IReadOnlyList<CustomerContactInfo> Contacts { get; init; } = [];

    /// <summary>Where letters go: the billing address, else the head office, else the first one.</summary>
    public CustomerPostalAddress? PostalAddress { get; init; }

    public CustomerContactInfo? AccountManager { get; init; }

    /// <summary>The customer segment, which chooses the dunning plan.</summary>
    public string? Segment { get; init; }
}

public sealed record CustomerContactInfo(string Role, string Name, string? Email, string? Phone);

public sealed record CustomerPostalAddress(IReadOnlyList<string> Lines, string PostalCode, string City, string Country);

/// <summary>
/// The documents the ERP sent with an accepted invoice, to attach to the reminders about it: published right after
/// its <see cref="InvoiceRegistered"/>, only when there are some. Apart from that event so that only the services that
/// keep documents carry their content.
/// </summary>
public sealed record InvoiceDocumentsRegistered(
    string CompanyId,
    string InvoiceNumber,
    string CustomerId,
    IReadOnlyList<InvoiceDocumentInfo> Documents);

/// <summary>One document, in the order the ERP listed them.</summary>
/// <param name="Kind">invoice, quote, purchase-order, contract, bank-details or other.</param>
/// <param name="Url">Where to fetch it (http or https), when the ERP sent it by reference.</param>
/// <param name="ContentBase64">The document itself (at most 5 MB), when the ERP sent it by content.</param>
public sealed record InvoiceDocumentInfo(string Kind, string Name, string MediaType, string? Url, string? ContentBase64);
