using Marten;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Invoices.RecordingPayment;

/// <summary>Apply a customer's payment to an invoice.</summary>
public sealed record RecordPayment(
    string CompanyId,
    string InvoiceNumber,
    string PaymentId,
    decimal Amount,
    string Currency,
    DateOnly ReceivedOn,
    DateTimeOffset Now);

public static class RecordPaymentHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, RecordPayment command, CancellationToken cancellation) =>
        session.DecideAsync<Invoice>(
            Invoice.StreamKey(command.CompanyId, command.InvoiceNumber),
            state => InvoiceDecider.Decide(command, state),
            cancellation);
}
