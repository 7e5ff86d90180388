using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relance.CorrespondenceService.Letters.Posting;

/// <summary>
/// Hands letters over as files, for a mail room or a print-and-post service that collects them: one directory per
/// letter, named by its correspondence id, holding letter.pdf and manifest.json. The directory is written under a
/// temporary name and renamed into place, so a collector never sees half a letter; a letter already there is the
/// hand-over (same SHA-256), or an error (another content under the same id).
/// </summary>
public sealed class FolderPostalProvider(string folder, TimeProvider clock) : IPostalProvider
{
    public const string LetterFile = "letter.pdf", ManifestFile = "manifest.json";
    // Directories being written start with a dot: a collector skips them.
    const string TemporaryPrefix = ".writing-";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Name => PostalOptions.FolderProvider;

    public async Task<PostalHandOver> HandOver(LetterForPosting letter, CancellationToken cancellation)
    {
        if (await Find(letter.CorrespondenceId, cancellation) is { } existing) return Same(existing, letter);

        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $"{TemporaryPrefix}{letter.CorrespondenceId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temporary);
        try
        {
            var manifest = Manifest.Of(letter, clock.GetUtcNow());
            await File.WriteAllBytesAsync(Path.Combine(temporary, LetterFile), letter.Pdf, cancellation);
            await File.WriteAllBytesAsync(Path.Combine(temporary, ManifestFile), JsonSerializer.SerializeToUtf8Bytes(manifest, Json), cancellation);
            Directory.Move(temporary, Path.Combine(folder, letter.CorrespondenceId));
            return HandOverOf(manifest);
        }
        catch (IOException) when (Directory.Exists(Path.Combine(folder, letter.CorrespondenceId)))
        {
            // Another hand-over of the same id won the rename: it is the hand-over, if it holds the same letter.
            Directory.Delete(temporary, recursive: true);
            return Same((await Find(letter.CorrespondenceId, cancellation))!, letter);
        }
        catch
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
            throw;
        }
    }

    public async Task<PostalHandOver?> Find(string correspondenceId, CancellationToken cancellation)
    {
        var path = Path.Combine(folder, correspondenceId, ManifestFile);
        if (!File.Exists(path)) return null;
        await using var file = File.OpenRead(path);
        var manifest = await JsonSerializer.DeserializeAsync<Manifest>(file, Json, cancellation)
            ?? throw new InvalidDataException($"{path} is empty");
        return HandOverOf(manifest);
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

    /// <param name="Lines">The street lines (for the return address: every line, as printed on the letterhead).</param>
    public sealed record ManifestAddress(string Name, IReadOnlyList<string> Lines, string? PostalCode, string? City, string? Country);
}
