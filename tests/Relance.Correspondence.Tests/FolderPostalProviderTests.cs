using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Letters.Posting;

namespace Relance.Correspondence.Tests;

/// <summary>The folder provider on a real directory: atomic, idempotent, and refusing another content under the same id.</summary>
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
        Assert.Equal([letter.CorrespondenceId], Directory.GetDirectories(_folder).Select(Path.GetFileName));
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
        Assert.Single(Directory.GetDirectories(_folder));
    }

    [Fact]
    public async Task Hand_overs_of_the_same_letter_at_once_leave_one_letter_and_no_temporary_directory()
    {
        var provider = new FolderPostalProvider(_folder, _clock);
        var handOvers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => provider.HandOver(Letter([5, 6, 7]), default))));
        Assert.Single(handOvers.Distinct());
        Assert.Single(Directory.GetFileSystemEntries(_folder));
    }
}
