using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Npgsql;
using Relance.Cli.Dossier;
using Xunit.Abstractions;
using Relance.Integration.Tests.Infrastructure;
using Relance.Tests.Shared;

namespace Relance.Integration.Tests.Audit;

/// <summary>
/// The formal-notice case's debtor asks to be forgotten once its debt is paid: its contact details and the documents sent
/// to it are erased from every table of the three services, while the seals still verify and the content hashes, the
/// proofs of what was sent, stay in the events.
/// </summary>
[Collection(AuditCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ErasureTests(TestInfrastructure infrastructure, ITestOutputHelper output)
{
    [Fact]
    public async Task A_paid_customer_is_erased_everywhere_and_the_proofs_still_verify()
    {
        await using var s = await FormalNoticeCase.DriveAsync(infrastructure);
        string[] erase = ["privacy", "erase", "--company", "ACME", "--customer", s.Customer, "--reason", "the debtor's request of 2 June 2026 (ticket DPO-42)", "--by", "user:dpo@acme.test"];
        string[] contactDetails = [s.BillingEmail, s.BillingEmail.Replace("factures.", "direction."), "+33472000001", "Anne Martin", "Marc Dupont", "12 rue des Lilas"];

        var refused = await SealedCase.RunAsync(s, erase);
        Assert.Equal(2, refused.Exit);
        Assert.Contains("not closed", refused.Error);
        Assert.NotEmpty(await Found(s, contactDetails));

        await s.Payment("F-1", FormalNoticeCase.Amount);
        await Eventually.Until(async () => (await s.Case())!.Value.GetProperty("status").GetString() == "Closed", TimeSpan.FromSeconds(30), "the case closed");
        await SealedCase.UntilSealedAsync(s);
        var proofs = await ContentHashes(s);

        // Its last activity is recent: the limitation period has not run on 1 January 2027; by 2035 it has.
        Assert.Contains("nobody to erase", (await SealedCase.RunAsync(s, "privacy", "erase-expired", "--as-of", "2027-01-01")).Output);
        var due = await SealedCase.RunAsync(s, "privacy", "erase-expired", "--as-of", "2035-01-01", "--dry-run");
        Assert.Contains($"ACME/{s.Customer}", due.Output);
        Assert.Contains("would erase", due.Output);
        Assert.NotEmpty(await Found(s, contactDetails));
        Assert.NotEmpty(proofs);

        var erased = await SealedCase.RunAsync(s, erase);
        Assert.True(erased.Exit == 0, erased.Error + erased.Output);
        output.WriteLine(erased.Output);
        Assert.Contains($"erased ACME/{s.Customer} by user:dpo@acme.test", erased.Output);

        Assert.Empty(await Found(s, contactDetails));
        var (exit, report) = await SealedCase.VerifyAsync(s);
        Assert.True(exit == 0, report.GetRawText());
        Assert.Equal(proofs, await ContentHashes(s));
        Assert.True(await SealedCase.ScalarAsync<bool>(s, Service.Correspondence,
            "SELECT bool_and(data->>'Pdf' IS NULL OR decode(data->>'Pdf', 'base64') LIKE '[erased hmac-sha256:%') FROM relance.mt_events WHERE type = 'correspondence_rendered'"));
        foreach (var store in SealedCase.Stores)
        {
            Assert.Equal(0L, await SealedCase.ScalarAsync<long>(s, store,
                "SELECT count(*) FROM relance.audit_stream_keys k WHERE k.stream_id = ANY(SELECT unnest(streams) FROM relance.audit_erasures)"));
            Assert.Equal(("user:dpo@acme.test", "the debtor's request of 2 June 2026 (ticket DPO-42)"),
                await SealedCase.ScalarAsync<(string, string)>(s, store, "SELECT erased_by, reason FROM relance.audit_erasures"));
        }

        await TheLitigationFileStatesTheErasedDocuments(s, contactDetails);

        // Asked again: nothing more to mask, and still nothing broken.
        var again = await SealedCase.RunAsync(s, erase);
        Assert.Equal(0, again.Exit);
        Assert.Contains("reminder: 1 streams, 0 values masked", again.Output);
        Assert.Equal(0, (await SealedCase.VerifyAsync(s)).Exit);
        var expired = await SealedCase.RunAsync(s, "privacy", "erase-expired", "--as-of", "2035-01-01");
        Assert.Contains($"skipped ACME/{s.Customer}", expired.Output);
        Assert.Contains("already erased", expired.Output);
        output.WriteLine((await SealedCase.RunAsync(s, "audit", "verify")).Output);
    }

    /// <summary>
    /// The case, closed and erased, can still go to court: its litigation file is built, without the documents' bytes
    /// (masks now) but stating each as erased on the erasure's date with the SHA-256 recorded when it was sent, and
    /// holding none of the contact details.
    /// </summary>
    async Task TheLitigationFileStatesTheErasedDocuments(Scenarios.DunningScenario s, string[] contactDetails)
    {
        var path = Path.Combine(Path.GetTempPath(), $"relance-erased-dossier-{Guid.NewGuid():N}.zip");
        try
        {
            var (exit, _, error) = await SealedCase.RunAsync(s, "audit", "dossier", "--case", $"ACME/{s.Customer}/EUR", "--at", s.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                "--out", path, "--built-at", "2026-06-03T09:00:00Z");
            Assert.True(exit == 0, error);
            using var zip = ZipFile.OpenRead(path);
            var files = zip.Entries.ToDictionary(e => e.FullName, e =>
            {
                using var read = new MemoryStream();
                using (var stream = e.Open()) stream.CopyTo(read);
                return read.ToArray();
            });
            var manifest = JsonDocument.Parse(files["manifest.json"]).RootElement;
            var erased = manifest.GetProperty("erased").EnumerateArray().ToList();
            var sentHashes = await SealedCase.ScalarAsync<string[]>(s, Service.Correspondence,
                "SELECT array_agg(data->>'ContentSha256' ORDER BY seq_id) FROM relance.mt_events WHERE type = 'correspondence_rendered'");
            DateTimeOffset erasedAt = DateTime.SpecifyKind(await SealedCase.ScalarAsync<DateTime>(s, Service.Correspondence, "SELECT min(erased_at) FROM relance.audit_erasures"), DateTimeKind.Utc);
            Assert.Equal(sentHashes.Order(), erased.Select(e => e.GetProperty("recordedSha256").GetString()!).Order());
            Assert.All(erased, e =>
            {
                Assert.StartsWith("documents/", e.GetProperty("name").GetString());
                Assert.DoesNotContain(e.GetProperty("name").GetString()!, files.Keys);
                Assert.Equal(erasedAt, e.GetProperty("erasedAt").GetDateTimeOffset());
            });
            Assert.DoesNotContain(files.Keys, k => k.StartsWith("documents/", StringComparison.Ordinal));

            var summary = PdfText.Flat(files["summary.pdf"]);
            output.WriteLine(summary);
            foreach (var e in erased)
                Assert.Contains(PdfText.Flat($"{e.GetProperty("name").GetString()} : effacée le {SummaryPdf.When(erasedAt)} (données personnelles), SHA-256 enregistré {e.GetProperty("recordedSha256").GetString()}"), summary);
            var texts = files.Where(f => f.Key != "summary.pdf").Select(f => Encoding.UTF8.GetString(f.Value)).Append(summary).ToList();
            foreach (var needle in contactDetails)
                Assert.DoesNotContain(texts, t => t.Contains(needle, StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Every text, varchar and jsonb column of every table of schema relance, in the three databases, searched for each string.</summary>
    static async Task<List<string>> Found(Scenarios.DunningScenario s, string[] needles)
    {
        var found = new List<string>();
        foreach (var store in SealedCase.Stores)
        {
            await using var connection = new NpgsqlConnection(s.System.ConnectionString(store));
            await connection.OpenAsync();
            var columns = new List<(string Table, string Column)>();
            await using (var list = new NpgsqlCommand(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'relance' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')", connection))
            await using (var reader = await list.ExecuteReaderAsync())
                while (await reader.ReadAsync()) columns.Add((reader.GetString(0), reader.GetString(1)));
            Assert.Contains(columns, c => c is ("mt_events", "data"));
            foreach (var (table, column) in columns)
                foreach (var needle in needles)
                {
                    await using var search = new NpgsqlCommand($"SELECT count(*) FROM relance.\"{table}\" WHERE \"{column}\"::text ILIKE '%' || $1 || '%'", connection)
                    {
                        Parameters = { new() { Value = needle } },
                    };
                    if ((long)(await search.ExecuteScalarAsync())! > 0) found.Add($"{store} {table}.{column}: {needle}");
                }
        }
        return found;
    }

    /// <summary>The SHA-256 of every document rendered and sent, as the events keep them.</summary>
    static async Task<List<string>> ContentHashes(Scenarios.DunningScenario s)
    {
        var hashes = new List<string>();
        foreach (var (store, sql) in new[]
        {
            (Service.Correspondence, "SELECT data->>'ContentSha256' FROM relance.mt_events WHERE data ? 'ContentSha256' ORDER BY seq_id"),
            (Service.Reminder, "SELECT data->>'ContentSha256' FROM relance.mt_events WHERE data ? 'ContentSha256' ORDER BY seq_id"),
        })
        {
            await using var connection = new NpgsqlConnection(s.System.ConnectionString(store));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) hashes.Add($"{store}:{reader.GetString(0)}");
        }
        return hashes;
    }
}
