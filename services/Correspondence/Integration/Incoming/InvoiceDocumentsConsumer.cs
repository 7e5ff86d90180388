using MassTransit;
using Relance.CorrespondenceService.InvoiceDocuments;
using Relance.CorrespondenceService.InvoiceDocuments.KeepingDocuments;
using Relance.ServiceDefaults;
using Messages = Relance.Contracts.Invoicing;

namespace Relance.CorrespondenceService.Integration.Incoming;

public sealed class InvoiceDocumentsConsumer(KeepInvoiceDocumentsHandler handler, TimeProvider clock) : IConsumer<Messages.InvoiceDocumentsRegistered>
{
    public Task Consume(ConsumeContext<Messages.InvoiceDocumentsRegistered> context)
    {
        var m = context.Message;
        var announced = new InvoiceDocumentsAnnounced(m.CompanyId, m.InvoiceNumber,
            [.. m.Documents.Select(d => new AnnouncedDocument(d.Kind, d.Name, d.MediaType, d.Url))], clock.GetUtcNow());
        // The Invoice service checked the base64 when it accepted the invoice.
        var contents = m.Documents.Select((d, i) => (d, i)).Where(d => d.d.ContentBase64 is not null)
            .ToDictionary(d => d.i, d => Convert.FromBase64String(d.d.ContentBase64!));
        return handler.Handle(announced, contents, session => session.AttributeTo(context), context.CancellationToken);
    }
}
