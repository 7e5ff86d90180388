using Relance.InvoiceService.Invoices.RecordingInvoice;
using Relance.InvoiceService.Invoices.RecordingPayment;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Invoices;

/// <summary>Pure decisions on one invoice. A command that cannot be accepted throws <see cref="MessageRejectedException"/>.</summary>
public static class InvoiceDecider
{
    public static IReadOnlyList<object> Decide(RecordInvoice command, Invoice? state)
    {
        var issued = new InvoiceIssued(
            command.CompanyId, command.InvoiceNumber, command.Customer, command.IssueDate, command.DueDate,
            command.AmountExcludingVat, command.AmountIncludingVat, command.Currency, command.Now);

        if (state is null) return [issued];

        // The same invoice sent again (a redelivery, or the ERP re-sending it) changes nothing;
        // a different invoice under a number already used is refused.
        return SameInvoice(state.Issued, issued)
            ? []
            : throw Rejected("invoiceNumber",
                $"invoice {command.InvoiceNumber} was already issued by company {command.CompanyId} with different content; send a correction instead");
    }

    public static IReadOnlyList<object> Decide(RecordPayment command, Invoice? state)
    {
        if (state is null)
            throw Rejected("invoiceNumber", $"no invoice {command.InvoiceNumber} is known for company {command.CompanyId}");
        if (state.PaymentIds.Contains(command.PaymentId))
            return [];
        if (!string.Equals(command.Currency, state.Issued.Currency, StringComparison.OrdinalIgnoreCase))
            throw Rejected("currency", $"the invoice is in {state.Issued.Currency}, the payment in {command.Currency}");

        var outstanding = state.Outstanding - command.Amount;
        var payment = new PaymentReceived(command.PaymentId, command.Amount, command.ReceivedOn, outstanding, command.Now);

        return state.Status == InvoiceStatus.Open && outstanding <= 0
            ? [payment, new InvoiceSettled(command.ReceivedOn, command.Now)]
            : [payment];
    }

    static bool SameInvoice(InvoiceIssued known, InvoiceIssued candidate) =>
        known with { RecordedAt = default } == candidate with { RecordedAt = default };

    static MessageRejectedException Rejected(string field, string error) => new([(field, error)]);
}
