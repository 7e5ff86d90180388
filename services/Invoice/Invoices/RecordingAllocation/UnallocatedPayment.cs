using Marten;

namespace Relance.InvoiceService.Invoices.RecordingAllocation;

/// <summary>A customer's payment the ERP has not allocated to any invoice yet: kept, and changes no chase.</summary>
public sealed record UnallocatedPaymentReceived(
    string CompanyId,
    string CustomerId,
    string PaymentId,
    decimal Amount,
    string Currency,
    DateOnly ReceivedOn,
    DateTimeOffset RecordedAt)
{
    public static string StreamKey(string companyId, string paymentId) => $"unallocated-payment:{companyId}/{paymentId}";
}

public static class RecordUnallocatedPaymentHandler
{
    public static async Task<IReadOnlyList<object>> Handle(IDocumentSession session, UnallocatedPaymentReceived payment, CancellationToken cancellation)
    {
        var key = UnallocatedPaymentReceived.StreamKey(payment.CompanyId, payment.PaymentId);
        if (await session.Events.FetchStreamStateAsync(key, cancellation) is not null) return [];
        session.Events.StartStream(key, payment);
        return [payment];
    }
}
