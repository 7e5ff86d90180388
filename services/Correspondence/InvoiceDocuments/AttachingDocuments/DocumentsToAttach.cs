using Marten;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Email;

namespace Relance.CorrespondenceService.InvoiceDocuments.AttachingDocuments;

/// <summary>The documents still being fetched for an email that may yet wait for them: its delivery is tried again later.</summary>
public sealed class DocumentsNotYetKeptException(IEnumerable<string> documents)
    : Exception($"documents still being fetched: {string.Join(", ", documents)}");

/// <summary>
/// The documents of the invoices an email reminds, read from this service's copies, in the request's invoice order
/// then the ERP's. A document still being fetched holds the email back (<see cref="DocumentsNotYetKeptException"/>)
/// until <see cref="DocumentOptions.AttachmentWait"/> after the request; then, like a document that could not be
/// fetched, it is left out and named in the proof as missing. The same content (bank details on every invoice)
/// is attached once; documents past <see cref="DocumentOptions.MaxEmailAttachmentBytes"/> are left out, named too.
/// </summary>
public sealed class DocumentsToAttach(IDocumentStore store, DocumentOptions options)
{
    public async Task<EmailAttachments> ForEmail(CorrespondenceRequested request, DateTimeOffset now, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var keys = request.Invoices.Select(i => InvoiceDocumentSet.StreamKey(request.CompanyId, i.InvoiceNumber)).ToList();
        var sets = (await session.LoadManyAsync<InvoiceDocumentSet>(cancellation, keys)).ToDictionary(s => s.Id);
        var documents = keys.Where(sets.ContainsKey).SelectMany(k => sets[k].Documents.Select(d => (sets[k].InvoiceNumber, Document: d))).ToList();

        var pending = documents.Where(d => d.Document.Status == DocumentStatus.Pending).ToList();
        if (pending.Count > 0 && now - request.RequestedAt < options.AttachmentWait)
            throw new DocumentsNotYetKeptException(pending.Select(p => $"{p.InvoiceNumber}/{p.Document.Name}"));

        var contents = (await session.LoadManyAsync<StoredContent>(cancellation,
            documents.Where(d => d.Document.Sha256 is not null).Select(d => d.Document.Sha256!).Distinct())).ToDictionary(c => c.Id, c => c.Content);

        List<EmailAttachment> attached = [];
        List<MissingDocument> missing = [];
        HashSet<string> attachedContents = [];
        long size = 0;
        foreach (var (invoiceNumber, d) in documents)
        {
            var reason = d.Status switch
            {
                DocumentStatus.Pending => $"still being fetched {options.AttachmentWait} after the request",
                DocumentStatus.Failed => d.Failure,
                _ when attachedContents.Contains(d.Sha256!) => null,
                _ when size + contents[d.Sha256!].Length > options.MaxEmailAttachmentBytes =>
                    $"the email's attachments would exceed {options.MaxEmailAttachmentBytes} bytes",
                _ => null,
            };
            if (reason is not null) missing.Add(new MissingDocument(invoiceNumber, d.Kind, d.Name, reason));
            else if (attachedContents.Add(d.Sha256!))
            {
                attached.Add(new EmailAttachment(invoiceNumber, d.Kind, d.Name, d.MediaType, contents[d.Sha256!]));
                size += contents[d.Sha256!].Length;
            }
        }
        return new EmailAttachments([.. attached], [.. missing]);
    }
}
