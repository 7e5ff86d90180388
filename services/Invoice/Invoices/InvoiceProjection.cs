using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Relance.InvoiceService.Invoices;

/// <summary>Keeps each invoice's current state as a document, in the same transaction as its events.</summary>
public sealed class InvoiceProjection : SingleStreamProjection<Invoice, string>
{
    public override Invoice? Evolve(Invoice? snapshot, string id, IEvent e) => InvoiceEvolution.Evolve(snapshot, e.Data);
}
