using System.Collections.Immutable;
using Marten;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Invoices.RecordingInvoice;

/// <summary>Record an invoice the ERP issued, applying what was paid or credited on it before it came.</summary>
public sealed record RecordInvoice(
    string CompanyId,
    string InvoiceNumber,
    InvoiceCustomer Customer,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal AmountExcludingVat,
    decimal AmountIncludingVat,
    string Currency,
    PaymentTerms? PaymentTerms,
    string? PaymentClause,
    decimal? LatePenaltyRatePercent,
    ImmutableList<InvoiceDocument> Documents,
    DateTimeOffset Now)
{
    public InvoiceIssued ToEvent() =>
        new(CompanyId, InvoiceNumber, Customer, IssueDate, DueDate, AmountExcludingVat, AmountIncludingVat, Currency, Now)
        {
            PaymentTerms = PaymentTerms,
            PaymentClause = PaymentClause,
            LatePenaltyRatePercent = LatePenaltyRatePercent,
            Documents = Documents,
        };
}

public static class RecordInvoiceHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, RecordInvoice command, CancellationToken cancellation) =>
        session.AppendDecisionAsync<Invoice>(
            Invoice.StreamKey(command.CompanyId, command.InvoiceNumber),
            state => InvoiceDecider.Decide(command, state),
            cancellation);
}
