using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Relance.Cli.Dossier;

namespace Relance.Audit.Tests;

/// <summary>The archive and its manifest: every file's hash, a fixed order and fixed dates, the same bytes twice.</summary>
[Trait("Category", "Unit")]
public sealed class DossierArchiveTests
{
    static readonly DateTimeOffset BuiltAt = new(2026, 5, 18, 9, 30, 0, TimeSpan.Zero);

    static readonly ArchiveFile[] Files =
    [
        new("events/reminder/ACME%2FC-1%2FEUR.json", Encoding.UTF8.GetBytes("{\"events\":[]}\n")),
        new("invoices/F-1/01_invoice_F-1.pdf", Encoding.ASCII.GetBytes("%PDF-1.4 invoice")),
        new("documents/2026-05-14_formal-notice_registered-letter_5b8e2c1a.pdf", Encoding.ASCII.GetBytes("%PDF-1.4 notice")),
        new("timeline.json", Encoding.UTF8.GetBytes("[]\n")),
        new("summary.pdf", Encoding.ASCII.GetBytes("%PDF-1.4 summary")),
    ];

    static readonly Dictionary<string, IReadOnlyList<SealHead>?> Seals = new()
    {
        ["reminder"] = [new SealHead("reminder", "ACME/C-1/EUR", 31, new string('c', 64))],
        ["invoice"] = null,
    };

    static byte[] Manifest() => DossierArchive.Manifest("ACME/C-1/EUR", new(2026, 5, 18), BuiltAt, "relance 1.0.0", DossierArchive.Ordered(Files), Seals, []);

    static byte[] Zip(DateTimeOffset builtAt)
    {
        var manifest = Manifest();
        return DossierArchive.Zip([new(DossierArchive.ManifestName, manifest), new(DossierArchive.ManifestHashName, DossierArchive.ManifestHashLine(manifest)), .. Files], builtAt);
    }

    [Fact]
    public void The_manifest_gives_each_file_s_sha256_and_size_the_case_the_date_the_tool_and_the_seal_heads()
    {
        var manifest = JsonDocument.Parse(Manifest()).RootElement;
        Assert.Equal("ACME/C-1/EUR", manifest.GetProperty("case").GetString());
        Assert.Equal("2026-05-18", manifest.GetProperty("computedTo").GetString());
        Assert.Equal(BuiltAt, manifest.GetProperty("builtAt").GetDateTimeOffset());
        Assert.Equal("relance 1.0.0", manifest.GetProperty("tool").GetString());

        var listed = manifest.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(["summary.pdf", "timeline.json", "documents/2026-05-14_formal-notice_registered-letter_5b8e2c1a.pdf", "invoices/F-1/01_invoice_F-1.pdf", "events/reminder/ACME%2FC-1%2FEUR.json"],
            listed.Select(f => f.GetProperty("name").GetString()));
        foreach (var entry in listed)
        {
            var content = Files.Single(f => f.Name == entry.GetProperty("name").GetString()).Content;
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), entry.GetProperty("sha256").GetString());
            Assert.Equal(content.Length, entry.GetProperty("size").GetInt64());
        }

        var seals = manifest.GetProperty("seals");
        Assert.Equal(JsonValueKind.Null, seals.GetProperty("invoice").ValueKind);
        var head = seals.GetProperty("reminder").EnumerateArray().Single();
        Assert.Equal(("ACME/C-1/EUR", 31, new string('c', 64)), (head.GetProperty("stream").GetString(), head.GetProperty("version").GetInt64(), head.GetProperty("hash").GetString()));
    }

    [Fact]
    public void An_erased_document_is_stated_in_the_manifest_with_its_erasure_and_recorded_hash_but_not_listed_as_a_file()
    {
        var erasedAt = new DateTimeOffset(2026, 6, 2, 8, 15, 0, TimeSpan.Zero);
        var letter = new ErasedDocument("documents/2026-05-14_formal-notice_registered-letter_5b8e2c1a.pdf", new string('d', 64), erasedAt);
        var kept = Files.Where(f => f.Name != letter.Name).ToList();
        var manifest = JsonDocument.Parse(DossierArchive.Manifest("ACME/C-1/EUR", new(2026, 5, 18), BuiltAt, "relance 1.0.0", DossierArchive.Ordered(kept), Seals, [letter])).RootElement;

        Assert.DoesNotContain(manifest.GetProperty("files").EnumerateArray(), f => f.GetProperty("name").GetString() == letter.Name);
        var erased = Assert.Single(manifest.GetProperty("erased").EnumerateArray());
        Assert.Equal((letter.Name, erasedAt, "personal data", letter.RecordedSha256),
            (erased.GetProperty("name").GetString(), erased.GetProperty("erasedAt").GetDateTimeOffset(), erased.GetProperty("why").GetString(), erased.GetProperty("recordedSha256").GetString()));
        Assert.Empty(JsonDocument.Parse(Manifest()).RootElement.GetProperty("erased").EnumerateArray());
    }

    [Fact]
    public void The_manifest_s_hash_file_is_what_sha256sum_checks()
    {
        var manifest = Manifest();
        Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(manifest))}  manifest.json\n", Encoding.ASCII.GetString(DossierArchive.ManifestHashLine(manifest)));
    }

    [Fact]
    public void The_same_files_give_the_same_zip_bytes_in_a_fixed_order_with_the_build_time_on_every_entry()
    {
        var zip = Zip(BuiltAt);
        Assert.Equal(zip, Zip(BuiltAt));
        Assert.NotEqual(zip, Zip(BuiltAt.AddMinutes(1)));

        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Equal(["manifest.json", "manifest.json.sha256", "summary.pdf", "timeline.json",
                "documents/2026-05-14_formal-notice_registered-letter_5b8e2c1a.pdf", "invoices/F-1/01_invoice_F-1.pdf", "events/reminder/ACME%2FC-1%2FEUR.json"],
            archive.Entries.Select(e => e.FullName));
        foreach (var entry in archive.Entries)
        {
            // 09:30 UTC is 11:30 in Paris in May: zip dates have no zone, the file's readers are in France.
            Assert.Equal(new DateTime(2026, 5, 18, 11, 30, 0), entry.LastWriteTime.DateTime);
            if (Files.SingleOrDefault(f => f.Name == entry.FullName) is { } file)
            {
                using var read = new MemoryStream();
                entry.Open().CopyTo(read);
                Assert.Equal(file.Content, read.ToArray());
            }
        }
    }
}
