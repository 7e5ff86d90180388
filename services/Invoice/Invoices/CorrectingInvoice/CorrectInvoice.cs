using Marten;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Invoices.CorrectingInvoice;

/// <summary>Replace an open invoice's amounts and due date; what was paid or credited still counts.</summary>
public sealed record CorrectInvoice(
    string CompanyId,
    string InvoiceNumber,
    string CorrectionId,
    DateOnly DueDate,
    decimal AmountExcludingVat,
    decimal AmountIncludingVat,
    string Reason,
    DateTimeOffset Now)
{
    public CorrectionContent Content => new(DueDate, AmountExcludingVat, AmountIncludingVat, Reason);
}

public static class CorrectInvoiceHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, CorrectInvoice command, CancellationToken cancellation) =>
        session.AppendDecisionAsync<Invoice>(
            Invoice.StreamKey(command.CompanyId, command.InvoiceNumber),
            state => InvoiceDecider.Decide(command, state),
            cancellation);
}
