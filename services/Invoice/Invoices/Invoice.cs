using System.Collections.Immutable;

namespace Relance.InvoiceService.Invoices;

// The persisted schema of an invoice's stream: its events, its state and how one evolves into the other.

public sealed record InvoiceIssued(
    string CompanyId,
    string InvoiceNumber,
    InvoiceCustomer Customer,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal AmountExcludingVat,
    decimal AmountIncludingVat,
    string Currency,
    DateTimeOffset RecordedAt);

public sealed record InvoiceCustomer(string CustomerId, string Name, string Email);

public sealed record PaymentReceived(
    string PaymentId,
    decimal Amount,
    DateOnly ReceivedOn,
    decimal OutstandingAfter,
    DateTimeOffset RecordedAt);

public sealed record InvoiceSettled(DateOnly SettledOn, DateTimeOffset RecordedAt);

public enum InvoiceStatus { Open, Settled }

public sealed record Invoice(
    string Id,
    InvoiceIssued Issued,
    decimal Outstanding,
    ImmutableList<string> PaymentIds,
    InvoiceStatus Status)
{
    /// <summary>The stream key: invoice numbers are unique within a company, not across companies.</summary>
    public static string StreamKey(string companyId, string invoiceNumber) => $"{companyId}/{invoiceNumber}";
}

/// <summary>How an invoice's state follows from its events (kept apart from <see cref="Invoice"/>: Marten's source generator claims methods of that name on the aggregate).</summary>
public static class InvoiceEvolution
{
    public static Invoice? Evolve(Invoice? state, object @event) => (state, @event) switch
    {
        (null, InvoiceIssued issued) => new Invoice(
            Invoice.StreamKey(issued.CompanyId, issued.InvoiceNumber), issued, issued.AmountIncludingVat, [], InvoiceStatus.Open),
        (not null, PaymentReceived payment) => state with
        {
            Outstanding = payment.OutstandingAfter,
            PaymentIds = state.PaymentIds.Add(payment.PaymentId),
        },
        (not null, InvoiceSettled) => state with { Status = InvoiceStatus.Settled },
        _ => state,
    };
}
