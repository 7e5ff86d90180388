using System.Collections.Immutable;

namespace Relance.CorrespondenceService.InvoiceDocuments;

// The persisted schema of this service's copy of one invoice's documents (the invoice PDF, the quote, purchase
// order or contract, the bank details), to attach to the emails that remind the invoice. Its stream key is
// InvoiceDocumentSet.StreamKey(company, invoice number). The bytes themselves are kept once per content, in
// the StoredContent document named by their SHA-256; the events say which content each document is.

/// <summary>The Invoice service said which documents came with the invoice, in the ERP's order.</summary>
public sealed record InvoiceDocumentsAnnounced(
    string CompanyId,
    string InvoiceNumber,
    ImmutableList<AnnouncedDocument> Documents,
    DateTimeOffset AnnouncedAt);

/// <param name="Url">Where it is fetched from; none when the ERP sent the content itself.</param>
/// <param name="MediaType">As the ERP gave it, or application/octet-stream when that could not be parsed (<see cref="AnnouncedMediaType"/>).</param>
public sealed record AnnouncedDocument(string Kind, string Name, string MediaType, string? Url)
{
    /// <summary>The media type the ERP gave, when it is not one an email can carry: the document is kept as application/octet-stream.</summary>
    public string? AnnouncedMediaType { get; init; }

    /// <summary>This document with a media type an email attachment can carry: the ERP's own when it parses.</summary>
    public AnnouncedDocument WithMediaTypeChecked() =>
        MimeKit.ContentType.TryParse(MediaType, out _) ? this : this with { MediaType = "application/octet-stream", AnnouncedMediaType = MediaType };
}

/// <summary>A document's bytes are kept (decoded, or fetched from its URL): <see cref="StoredContent"/> <paramref name="Sha256"/>.</summary>
/// <param name="Position">Its index in <see cref="InvoiceDocumentsAnnounced.Documents"/>.</param>
public sealed record InvoiceDocumentKept(int Position, string Sha256, long Length, DateTimeOffset KeptAt);

/// <summary>A document could not be fetched, after every attempt: reminders go without it, saying so in their proof.</summary>
public sealed record InvoiceDocumentFetchFailed(int Position, string Reason, int Attempts, DateTimeOffset FailedAt);

/// <summary>Bytes kept once whatever the number of invoices that carry them, named by their SHA-256 (lowercase hex).</summary>
public sealed record StoredContent(string Id, byte[] Content);

public enum DocumentStatus { Pending, Kept, Failed }

public sealed record InvoiceDocument(string Kind, string Name, string MediaType, string? Url)
{
    public string? Sha256 { get; init; }
    public string? Failure { get; init; }

    public DocumentStatus Status => Sha256 is not null ? DocumentStatus.Kept : Failure is not null ? DocumentStatus.Failed : DocumentStatus.Pending;
}

public sealed record InvoiceDocumentSet(string Id, string CompanyId, string InvoiceNumber, ImmutableList<InvoiceDocument> Documents)
{
    public static string StreamKey(string companyId, string invoiceNumber) => $"invoice-documents/{companyId}/{invoiceNumber}";
}

public static class InvoiceDocumentsEvolution
{
    public static InvoiceDocumentSet? Evolve(InvoiceDocumentSet? state, object @event) => (state, @event) switch
    {
        (null, InvoiceDocumentsAnnounced a) => new InvoiceDocumentSet(InvoiceDocumentSet.StreamKey(a.CompanyId, a.InvoiceNumber), a.CompanyId, a.InvoiceNumber,
            [.. a.Documents.Select(d => new InvoiceDocument(d.Kind, d.Name, d.MediaType, d.Url))]),
        (null, _) => null,
        (_, InvoiceDocumentKept k) => state with { Documents = state.Documents.SetItem(k.Position, state.Documents[k.Position] with { Sha256 = k.Sha256 }) },
        (_, InvoiceDocumentFetchFailed f) => state with { Documents = state.Documents.SetItem(f.Position, state.Documents[f.Position] with { Failure = f.Reason }) },
        _ => state,
    };
}
