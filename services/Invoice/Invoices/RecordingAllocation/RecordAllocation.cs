using Marten;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Invoices.RecordingAllocation;

/// <summary>
/// Apply part of a payment or of a credit note to one invoice. <see cref="Reference"/> is the payment id or the
/// credit note number: the same one is applied once. An invoice not known yet keeps it until it comes.
/// </summary>
public sealed record RecordAllocation(
    string CompanyId,
    string InvoiceNumber,
    AllocationKind Kind,
    string Reference,
    decimal Amount,
    string Currency,
    DateOnly On,
    DateTimeOffset Now);

public static class RecordAllocationHandler
{
    /// <summary>Every allocation of one payment or credit note, in one transaction: all are accepted or none.</summary>
    public static async Task<IReadOnlyList<object>> Handle(IDocumentSession session, IEnumerable<RecordAllocation> allocations, CancellationToken cancellation)
    {
        var events = new List<object>();
        foreach (var allocation in allocations)
            events.AddRange(await session.AppendDecisionAsync<Invoice>(
                Invoice.StreamKey(allocation.CompanyId, allocation.InvoiceNumber),
                state => InvoiceDecider.Decide(allocation, state),
                cancellation));
        return events;
    }
}
