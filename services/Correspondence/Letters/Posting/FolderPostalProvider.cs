using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relance.CorrespondenceService.Letters.Posting;

/// <summary>
/// Hands letters over as files, for a mail room or a print-and-post service that collects them: one directory per
/// letter, named by its correspondence id, holding letter.pdf and manifest.json. The directory is written under a
/// temporary name and renamed into place, so a collector never sees half a letter.
/// The hand-over itself is a marker, .relance/handed-over/&lt;id&gt;.json, created (exclusively) before the rename and
/// never touched by the collector: the collector may take the letter's directory away, the marker still says the
/// letter was handed over, so a redelivery after a crash does not write it a second time. A marker whose letter is
/// still under its temporary name (a crash between the marker and the rename) is completed by the next
/// <see cref="Find"/>. A letter already handed over is the hand-over (same SHA-256), or an error (another content).
/// </summary>
public sealed class FolderPostalProvider(string folder, TimeProvider clock) : IPostalProvider
{
    public const string LetterFile = "letter.pdf", ManifestFile = "manifest.json";
    // Entries starting with a dot are this service's: a collector skips them.
    const string TemporaryPrefix = ".writing-";
    public static readonly string MarkersDirectory = Path.Combine(".relance", "handed-over");

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Name => PostalOptions.FolderProvider;

    public async Task<PostalHandOver> HandOver(LetterForPosting letter, CancellationToken cancellation)
    {
        if (await Find(letter.CorrespondenceId, cancellation) is { } existing) return Same(existing, letter);

        Directory.CreateDirectory(Path.Combine(folder, MarkersDirectory));
        var temporary = $"{TemporaryPrefix}{letter.CorrespondenceId}-{Guid.NewGuid():N}";
        var marker = MarkerPath(letter.CorrespondenceId);
        var markerBeingWritten = Path.Combine(folder, MarkersDirectory, $".{letter.CorrespondenceId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(folder, temporary));
        try
        {
            var manifest = Manifest.Of(letter, clock.GetUtcNow());
            await WriteDurably(Path.Combine(folder, temporary, LetterFile), letter.Pdf, cancellation);
            await WriteDurably(Path.Combine(folder, temporary, ManifestFile), JsonSerializer.SerializeToUtf8Bytes(manifest, Json), cancellation);
            await WriteDurably(markerBeingWritten, JsonSerializer.SerializeToUtf8Bytes(new HandOverMarker(temporary, manifest), Json), cancellation);
            // From here the letter is handed over: the marker names where it is until it is in place.
            File.Move(markerBeingWritten, marker, overwrite: false);
        }
        catch (IOException) when (File.Exists(marker))
        {
            // Another hand-over of the same id created the marker first: it is the hand-over, if it holds the same letter.
            Discard(temporary, markerBeingWritten);
            return Same((await Find(letter.CorrespondenceId, cancellation))!, letter);
        }
        catch
        {
            Discard(temporary, markerBeingWritten);
            throw;
        }
        return (await Find(letter.CorrespondenceId, cancellation))!;
    }

    /// <summary>
    /// The hand-over its marker records, its letter moved into place first if an interrupted hand-over left it
    /// under its temporary name; for a letter handed over before markers existed, its directory's manifest.
    /// </summary>
    public async Task<PostalHandOver?> Find(string correspondenceId, CancellationToken cancellation)
    {
        var marker = MarkerPath(correspondenceId);
        if (File.Exists(marker))
        {
            var handedOver = await Read<HandOverMarker>(marker, cancellation);
            CompleteMove(handedOver.Writing, correspondenceId);
            return HandOverOf(handedOver.Manifest);
        }
        var manifest = Path.Combine(folder, correspondenceId, ManifestFile);
        return File.Exists(manifest) ? HandOverOf(await Read<Manifest>(manifest, cancellation)) : null;
    }

    string MarkerPath(string correspondenceId) => Path.Combine(folder, MarkersDirectory, $"{correspondenceId}.json");

    /// <summary>Moves the letter from its temporary name into place, unless it is no longer there: already moved, maybe already collected.</summary>
    void CompleteMove(string temporary, string correspondenceId)
    {
        var from = Path.Combine(folder, temporary);
        if (!Directory.Exists(from)) return;
        try
        {
            Directory.Move(from, Path.Combine(folder, correspondenceId));
        }
        catch (IOException) when (!Directory.Exists(from))
        {
            // A concurrent Find of the same letter moved it.
        }
    }

    static async Task WriteDurably(string path, byte[] content, CancellationToken cancellation)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await file.WriteAsync(content, cancellation);
        file.Flush(flushToDisk: true);
    }

    static async Task<T> Read<T>(string path, CancellationToken cancellation)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<T>(file, Json, cancellation) ?? throw new InvalidDataException($"{path} is empty");
    }

    void Discard(string temporary, string markerBeingWritten)
    {
        if (Directory.Exists(Path.Combine(folder, temporary))) Directory.Delete(Path.Combine(folder, temporary), recursive: true);
        File.Delete(markerBeingWritten);
    }

    PostalHandOver HandOverOf(Manifest manifest) => new(Name, manifest.CorrespondenceId, manifest.Sha256, manifest.HandedOverAt);

    static PostalHandOver Same(PostalHandOver existing, LetterForPosting letter) =>
        existing.ContentSha256 == letter.ContentSha256 ? existing
        : throw new InvalidOperationException(
            $"letter {letter.CorrespondenceId} was already handed over with another content (SHA-256 {existing.ContentSha256}, not {letter.ContentSha256}); " +
            "a letter is handed over once, as it was rendered");

    /// <summary>manifest.json: what the mail room needs to post the letter, and to check it prints the right one.</summary>
    public sealed record Manifest(
        string CorrespondenceId,
        Guid ReminderId,
        string CompanyId,
        string CaseId,
        string Channel,
        bool AcknowledgmentOfReceipt,
        ManifestAddress Addressee,
        ManifestAddress ReturnAddress,
        string File,
        int PageCount,
        string Sha256,
        long SizeBytes,
        string Template,
        DateOnly Date,
        DateTimeOffset HandedOverAt)
    {
        public static Manifest Of(LetterForPosting letter, DateTimeOffset now) => new(
            letter.CorrespondenceId, letter.ReminderId, letter.CompanyId, letter.CaseId, letter.Channel,
            letter.Channel == Correspondences.Channels.RegisteredLetter,
            new ManifestAddress(letter.Addressee, [.. letter.Address.Lines], letter.Address.PostalCode, letter.Address.City, letter.Address.Country),
            new ManifestAddress(letter.ReturnName, [.. letter.ReturnAddress], null, null, null),
            LetterFile, letter.PageCount, letter.ContentSha256, letter.Pdf.LongLength, letter.Template, letter.Date, now);
    }

    /// <summary>.relance/handed-over/&lt;id&gt;.json: the letter handed over, and the temporary directory it is in until it is in place.</summary>
    public sealed record HandOverMarker(string Writing, Manifest Manifest);

    /// <param name="Lines">The street lines (for the return address: every line, as printed on the letterhead).</param>
    public sealed record ManifestAddress(string Name, IReadOnlyList<string> Lines, string? PostalCode, string? City, string? Country);
}
