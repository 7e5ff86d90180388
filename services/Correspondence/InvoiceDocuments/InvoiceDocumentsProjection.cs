using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Relance.CorrespondenceService.InvoiceDocuments;

public sealed class InvoiceDocumentsProjection : SingleStreamProjection<InvoiceDocumentSet, string>
{
    public override InvoiceDocumentSet? Evolve(InvoiceDocumentSet? snapshot, string id, IEvent e) => InvoiceDocumentsEvolution.Evolve(snapshot, e.Data);
}
