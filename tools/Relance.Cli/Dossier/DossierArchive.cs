using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Relance.CorrespondenceService.Email;

namespace Relance.Cli.Dossier;

/// <summary>One file of the archive, by its path inside it.</summary>
public sealed record ArchiveFile(string Name, byte[] Content)
{
    public FileHash Hash => new(Name, MimeMessages.Sha256(Content), Content.LongLength);
}

/// <summary>The last sealed event of a stream (relance.audit_event_seals), as the manifest records it.</summary>
public sealed record SealHead(string Service, string Stream, long Version, string Hash);

/// <summary>
/// The litigation file as one zip: <c>manifest.json</c> and <c>manifest.json.sha256</c> first, then the summary,
/// the timeline, the documents, the invoices' documents and the raw event streams, each group in name order. The
/// entries bear the build time and the files nothing else that changes: the same inputs give the same bytes.
/// </summary>
public static class DossierArchive
{
    public const string ManifestName = "manifest.json", ManifestHashName = "manifest.json.sha256";

    /// <param name="seals">The seal heads by service; a service is absent when its database has no seal table.</param>
    /// <param name="erased">The documents erased with the debtor's personal data, stated but not in the archive.</param>
    public static byte[] Manifest(string caseId, DateOnly at, DateTimeOffset builtAt, string tool, IEnumerable<ArchiveFile> files,
        IReadOnlyDictionary<string, IReadOnlyList<SealHead>?> seals, IReadOnlyList<ErasedDocument> erased)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("case", caseId);
            json.WriteString("computedTo", at.ToString("yyyy-MM-dd"));
            json.WriteString("builtAt", builtAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'"));
            json.WriteString("tool", tool);
            json.WriteStartArray("files");
            foreach (var hash in files.Select(f => f.Hash))
            {
                json.WriteStartObject();
                json.WriteString("name", hash.Name);
                json.WriteString("sha256", hash.Sha256);
                json.WriteNumber("size", hash.Length);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("erased");
            foreach (var document in erased.OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("name", document.Name);
                json.WriteString("erasedAt", document.ErasedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'"));
                json.WriteString("why", "personal data");
                json.WriteString("recordedSha256", document.RecordedSha256);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            // Each service's database: the head of each stream's hash chain, or null when the database has no seal table.
            json.WriteStartObject("seals");
            foreach (var (service, heads) in seals.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                if (heads is null) { json.WriteNull(service); continue; }
                json.WriteStartArray(service);
                foreach (var head in heads)
                {
                    json.WriteStartObject();
                    json.WriteString("stream", head.Stream);
                    json.WriteNumber("version", head.Version);
                    json.WriteString("hash", head.Hash);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>The line <c>sha256sum -c</c> reads: "hash  manifest.json".</summary>
    public static byte[] ManifestHashLine(byte[] manifest) => Encoding.ASCII.GetBytes($"{MimeMessages.Sha256(manifest)}  {ManifestName}\n");

    /// <summary>The files in the archive's order: manifest first, then the summary, the timeline, documents, invoices, events.</summary>
    public static IEnumerable<ArchiveFile> Ordered(IEnumerable<ArchiveFile> files) =>
        files.OrderBy(f => Rank(f.Name)).ThenBy(f => f.Name, StringComparer.Ordinal);

    static int Rank(string name) => name switch
    {
        ManifestName => 0,
        ManifestHashName => 1,
        "summary.pdf" => 2,
        "timeline.json" => 3,
        _ when name.StartsWith("documents/", StringComparison.Ordinal) => 4,
        _ when name.StartsWith("invoices/", StringComparison.Ordinal) => 5,
        _ => 6,
    };

    /// <summary>The zip, every entry dated <paramref name="builtAt"/> (Paris time, as zip dates have no zone).</summary>
    public static byte[] Zip(IEnumerable<ArchiveFile> files, DateTimeOffset builtAt)
    {
        var paris = TimeZoneInfo.ConvertTime(builtAt, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        var stamp = new DateTimeOffset(DateTime.SpecifyKind(paris.DateTime, DateTimeKind.Unspecified), TimeSpan.Zero);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Encoding.UTF8))
        {
            foreach (var file in Ordered(files))
            {
                var entry = zip.CreateEntry(file.Name, CompressionLevel.Optimal);
                entry.LastWriteTime = stamp;
                // rw-r--r--, rather than whatever the extracting tool assumes.
                entry.ExternalAttributes = Convert.ToInt32("100644", 8) << 16;
                using var stream = entry.Open();
                stream.Write(file.Content);
            }
        }
        return buffer.ToArray();
    }
}
