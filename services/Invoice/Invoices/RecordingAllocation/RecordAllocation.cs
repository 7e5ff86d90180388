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
    DateTimeOffset Now)
{
    /// <summary>The customer the ERP says paid or was credited, when it says: it must be the invoice's.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Where the message named the invoice (allocations[1].invoiceNumber in a split payment), for a refusal to point at.</summary>
    public string InvoiceNumberField { get; init; } = "invoiceNumber";
}

public static class RecordAllocationHandler
{
    /// <summary>
    /// Every allocation of one payment or credit note, in one transaction: all are accepted or none. A refusal names
    /// what is wrong with each invoice refused, not only the first.
    /// </summary>
    public static async Task<IReadOnlyList<object>> Handle(IDocumentSession session, IEnumerable<RecordAllocation> allocations, CancellationToken cancellation)
    {
        var events = new List<object>();
        var refused = new List<(string Field, string Error)>();
        foreach (var allocation in allocations)
        {
            try
            {
                events.AddRange(await session.AppendDecisionAsync<Invoice>(
                    Invoice.StreamKey(allocation.CompanyId, allocation.InvoiceNumber),
                    state => InvoiceDecider.Decide(allocation, state),
                    cancellation));
            }
            catch (MessageRejectedException rejected)
            {
                refused.AddRange(rejected.Reasons);
            }
        }
        return refused.Count == 0 ? events : throw new MessageRejectedException(refused);
    }
}
