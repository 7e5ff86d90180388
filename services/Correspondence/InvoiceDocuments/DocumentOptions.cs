namespace Relance.CorrespondenceService.InvoiceDocuments;

/// <summary>How invoice documents are fetched and waited for: the "Correspondence:Documents" configuration section.</summary>
public sealed record DocumentOptions
{
    /// <summary>The largest document kept, as the ERP may send one by content (5 MB).</summary>
    public long MaxBytes { get; init; } = 5 * 1024 * 1024;

    /// <summary>Tries of a URL before the document is recorded as failed.</summary>
    public int Attempts { get; init; } = 4;

    /// <summary>The pause after the first failed try, doubled after each next one.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest one try may take, answer and body included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after its request an email waits for documents still being fetched; after that it leaves without
    /// them, and its proof names them as missing.
    /// </summary>
    public TimeSpan AttachmentWait { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most an email carries in documents (before base64, which adds a third): most mail servers refuse
    /// messages over 20 to 25 MB. Documents past it are left out, and named in the proof as missing.
    /// </summary>
    public long MaxEmailAttachmentBytes { get; init; } = 15 * 1024 * 1024;

    /// <summary>
    /// Whether documents may be fetched from loopback, private (RFC 1918, fc00::/7), link-local, unspecified and
    /// multicast addresses: off, as an ERP's URL could otherwise make this service email what its own network serves;
    /// on only for an ERP on the company's own network, and for tests.
    /// </summary>
    public bool AllowPrivateNetworks { get; init; }
}
