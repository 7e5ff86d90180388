using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Letters.Posting;

namespace Relance.Correspondence.Tests;

/// <summary>The folder provider on a real directory: atomic, idempotent (also once the collector took the letter away), and refusing another content under the same id.</summary>
[Trait("Category", "Unit")]
public sealed class FolderPostalProviderTests : IDisposable
{
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"relance-postal-{Guid.NewGuid():N}");
    readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    static LetterForPosting Letter(byte[] pdf) => new(
        "7d0c1f7e-6a3b-4b53-8d3e-2f1c9a8b7e10", Guid.Parse("7d0c1f7e-6a3b-4b53-8d3e-2f1c9a8b7e10"), "ACME", "ACME/C1/EUR", Channels.RegisteredLetter,
        "Dupont SARL", new PostalAddress(["12 rue de la Paix"], "75002", "Paris", "FR"), "ACME SAS", ["1 avenue de l'Industrie", "69000 Lyon"],
        pdf, 2, Convert.ToHexStringLower(SHA256.HashData(pdf)), "formal-notice/fr/v1", new DateOnly(2026, 11, 2));

    [Fact]
    public async Task A_letter_lands_as_its_pdf_and_a_manifest_in_a_directory_of_its_own()
    {
        var provider = new FolderPostalProvider(_folder, _clock);
        var letter = Letter([1, 2, 3, 4]);
        var handOver = await provider.HandOver(letter, default);

        var directory = Path.Combine(_folder, letter.CorrespondenceId);
        Assert.Equal(new PostalHandOver("folder", letter.CorrespondenceId, letter.ContentSha256, _clock.GetUtcNow()), handOver);
        Assert.Equal(letter.Pdf, await File.ReadAllBytesAsync(Path.Combine(directory, FolderPostalProvider.LetterFile)));
        var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, FolderPostalProvider.ManifestFile))).RootElement;
        Assert.Equal("registered-letter", manifest.GetProperty("channel").GetString());
        Assert.True(manifest.GetProperty("acknowledgmentOfReceipt").GetBoolean());
        Assert.Equal(letter.ContentSha256, manifest.GetProperty("sha256").GetString());
        Assert.Equal(4, manifest.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(2, manifest.GetProperty("pageCount").GetInt32());
        Assert.Equal("75002", manifest.GetProperty("addressee").GetProperty("postalCode").GetString());
        Assert.Equal("ACME SAS", manifest.GetProperty("returnAddress").GetProperty("name").GetString());
        Assert.Equal("2026-11-02", manifest.GetProperty("date").GetString());
        Assert.Equal([".relance", letter.CorrespondenceId], Directory.GetDirectories(_folder).Select(Path.GetFileName).Order());
        Assert.Equal([$"{letter.CorrespondenceId}.json"], Directory.GetFileSystemEntries(Marker()).Select(Path.GetFileName));
    }

    string Marker(string? id = null) => id is null ? Path.Combine(_folder, FolderPostalProvider.MarkersDirectory) : Path.Combine(_folder, FolderPostalProvider.MarkersDirectory, $"{id}.json");

    [Fact]
    public async Task A_letter_the_collector_took_away_is_still_handed_over_and_never_written_again()
    {
        var letter = Letter([1, 2, 3]);
        var first = await new FolderPostalProvider(_folder, _clock).HandOver(letter, default);
        // The collector takes the directory (posted, archived); the service died before recording the hand-over.
        Directory.Move(Path.Combine(_folder, letter.CorrespondenceId), Path.Combine(Path.GetTempPath(), $"relance-collected-{Guid.NewGuid():N}"));

        var afterRestart = new FolderPostalProvider(_folder, _clock);
        Assert.Equal(first, await afterRestart.Find(letter.CorrespondenceId, default));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(first, await afterRestart.HandOver(letter, default));
        Assert.Equal([".relance"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
        await Assert.ThrowsAsync<InvalidOperationException>(() => afterRestart.HandOver(Letter([9]), default));
    }

    [Fact]
    public async Task A_hand_over_interrupted_between_its_marker_and_the_rename_is_completed_by_the_next_find()
    {
        var letter = Letter([4, 5, 6]);
        var first = await new FolderPostalProvider(_folder, _clock).HandOver(letter, default);
        // As if the process died after creating the marker and before renaming the letter's directory into place.
        var writing = JsonDocument.Parse(await File.ReadAllTextAsync(Marker(letter.CorrespondenceId))).RootElement.GetProperty("writing").GetString()!;
        Assert.StartsWith(".writing-", writing);
        Directory.Move(Path.Combine(_folder, letter.CorrespondenceId), Path.Combine(_folder, writing));

        Assert.Equal(first, await new FolderPostalProvider(_folder, _clock).Find(letter.CorrespondenceId, default));
        Assert.Equal(letter.Pdf, await File.ReadAllBytesAsync(Path.Combine(_folder, letter.CorrespondenceId, FolderPostalProvider.LetterFile)));
        Assert.Equal([".relance", letter.CorrespondenceId], Directory.GetDirectories(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_letter_handed_over_before_markers_existed_is_found_by_its_directory()
    {
        var letter = Letter([7, 8]);
        var directory = Path.Combine(_folder, letter.CorrespondenceId);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, FolderPostalProvider.ManifestFile),
            JsonSerializer.Serialize(FolderPostalProvider.Manifest.Of(letter, _clock.GetUtcNow()), new JsonSerializerOptions(JsonSerializerDefaults.Web)));

        var provider = new FolderPostalProvider(_folder, _clock);
        Assert.Equal(new PostalHandOver("folder", letter.CorrespondenceId, letter.ContentSha256, _clock.GetUtcNow()), await provider.Find(letter.CorrespondenceId, default));
        Assert.Equal(new PostalHandOver("folder", letter.CorrespondenceId, letter.ContentSha256, _clock.GetUtcNow()), await provider.HandOver(letter, default));
        Assert.False(File.Exists(Path.Combine(directory, FolderPostalProvider.LetterFile)));
    }

    [Fact]
    public async Task The_same_letter_twice_is_one_letter_and_another_content_under_its_id_is_an_error()
    {
        var provider = new FolderPostalProvider(_folder, _clock);
        var first = await provider.HandOver(Letter([1, 2, 3]), default);
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(first, await provider.HandOver(Letter([1, 2, 3]), default));
        Assert.Equal(first, await new FolderPostalProvider(_folder, _clock).Find(Letter([1, 2, 3]).CorrespondenceId, default));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.HandOver(Letter([9, 9]), default));
        Assert.Contains("another content", error.Message);
        Assert.Single(Directory.GetDirectories(_folder), d => !Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public async Task Hand_overs_of_the_same_letter_at_once_leave_one_letter_and_no_temporary_directory()
    {
        var provider = new FolderPostalProvider(_folder, _clock);
        var handOvers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => provider.HandOver(Letter([5, 6, 7]), default))));
        Assert.Single(handOvers.Distinct());
        Assert.Equal([".relance", Letter([5, 6, 7]).CorrespondenceId], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order());
        Assert.Single(Directory.GetFileSystemEntries(Marker()));
    }
}
