using Marten;
using Relance.CorrespondenceService.Email;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.InvoiceDocuments.KeepingDocuments;

/// <summary>
/// Keeps this service's copy of an invoice's documents. The list, with the contents that came inside the message,
/// is committed first: from then on a reminder knows which documents it must wait for. Then each document sent by
/// URL is fetched and recorded, kept or failed, one commit each. A redelivery finds what is done and resumes with
/// the documents still pending (as after a crash mid-fetch); documents already decided are never fetched again.
/// </summary>
public sealed class KeepInvoiceDocumentsHandler(
    IDocumentStore store, DocumentFetcher fetcher, TimeProvider clock, ILogger<KeepInvoiceDocumentsHandler> logger)
{
    /// <param name="contents">The bytes of the documents sent by content, by position.</param>
    public async Task Handle(
        InvoiceDocumentsAnnounced announced, IReadOnlyDictionary<int, byte[]> contents, Action<IDocumentSession> attribute, CancellationToken cancellation)
    {
        var key = InvoiceDocumentSet.StreamKey(announced.CompanyId, announced.InvoiceNumber);
        // A media type the attachment's Content-Type cannot be made of would make every email carrying it fail.
        announced = announced with { Documents = [.. announced.Documents.Select(d => d.WithMediaTypeChecked())] };
        foreach (var document in announced.Documents.Where(d => d.AnnouncedMediaType is not null))
            logger.LogWarning("Document {Name} of invoice {InvoiceNumber} has media type '{MediaType}', which cannot be parsed: kept as {Kept}",
                document.Name, announced.InvoiceNumber, document.AnnouncedMediaType, document.MediaType);
        await using (var session = store.LightweightSession())
        {
            attribute(session);
            var kept = contents.Select(c => (Position: c.Key, Content: c.Value, Sha256: MimeMessages.Sha256(c.Value))).ToList();
            var events = await session.AppendDecisionAsync<InvoiceDocumentSet>(key,
                s => InvoiceDocumentsDecider.Announce(announced, [.. kept.Select(k => new InvoiceDocumentKept(k.Position, k.Sha256, k.Content.Length, announced.AnnouncedAt))], s),
                cancellation);
            if (events.Count > 0)
            {
                foreach (var k in kept) session.Store(new StoredContent(k.Sha256, k.Content));
                await session.SaveChangesAsync(cancellation);
            }
        }

        var state = await Load(key, cancellation);
        foreach (var (document, position) in state.Documents.Select((d, i) => (d, i)).Where(d => d.d.Status == DocumentStatus.Pending && d.d.Url is not null))
        {
            var outcome = await fetcher.FetchAsync(document.Url!, cancellation);
            await using var session = store.LightweightSession();
            attribute(session);
            switch (outcome)
            {
                case FetchOutcome.Fetched(var content):
                    var sha256 = MimeMessages.Sha256(content);
                    session.Store(new StoredContent(sha256, content));
                    await session.DecideAsync<InvoiceDocumentSet>(key,
                        s => InvoiceDocumentsDecider.Keep(new InvoiceDocumentKept(position, sha256, content.Length, clock.GetUtcNow()), s), cancellation);
                    break;
                case FetchOutcome.Failed(var reason, var attempts):
                    logger.LogWarning("Document {Name} of invoice {InvoiceNumber} not kept after {Attempts} tries: {Reason}",
                        document.Name, announced.InvoiceNumber, attempts, reason);
                    await session.DecideAsync<InvoiceDocumentSet>(key,
                        s => InvoiceDocumentsDecider.RecordFailure(new InvoiceDocumentFetchFailed(position, reason, attempts, clock.GetUtcNow()), s), cancellation);
                    break;
            }
        }
    }

    async Task<InvoiceDocumentSet> Load(string key, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<InvoiceDocumentSet>(key, cancellation)
            ?? throw new InvalidOperationException($"{key} has no state after its announcement");
    }
}
