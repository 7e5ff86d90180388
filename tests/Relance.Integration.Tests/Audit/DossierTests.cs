using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Relance.Cli;
using Relance.Cli.Dossier;
using Relance.CorrespondenceService.Writing;
using Relance.Integration.Tests.Infrastructure;
using Relance.ServiceDefaults;
using Relance.Tests.Shared;

namespace Relance.Integration.Tests.Audit;

/// <summary>
/// <c>relance audit dossier</c> on a case driven to its formal notice by the real services: the zip's files match its
/// manifest, the documents are the bytes the Correspondence service serves and recorded the hash of, and the summary
/// states what a lawyer files for an injonction de payer, with the amounts computed to the date given; a document
/// altered in the store since it was sent refuses the whole file.
/// </summary>
[Collection(AuditCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class DossierTests(TestInfrastructure infrastructure)
{
    static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Fact]
    public async Task The_litigation_file_of_a_case_at_its_formal_notice_holds_the_documents_sent_as_hashed_and_a_summary_to_file()
    {
        await using var s = await FormalNoticeCase.DriveAsync(infrastructure);
        var at = s.Today;
        // The signed acknowledgment card, scanned and sent after the date it was signed: archived with its SHA-256.
        var card = Encoding.ASCII.GetBytes("\x89PNG the signed acknowledgment card");
        await s.TrackLetter("formal-notice", new { update = "acknowledged", date = "2026-05-16", acknowledgmentCard = new { mediaType = "image/png", contentBase64 = Convert.ToBase64String(card) } },
            "letter_receipt_acknowledged");
        await Eventually.Until(async () => (await s.Events("letter_receipt_acknowledged")).Length == 2, TimeSpan.FromSeconds(30), "the card's SHA-256 in the case");
        var work = Directory.CreateTempSubdirectory("relance-dossier-test-");
        try
        {
            // The creditor as the test system configures the Correspondence service (RelanceSystem.Launch).
            var creditorConfig = Path.Combine(work.FullName, "appsettings.json");
            await File.WriteAllTextAsync(creditorConfig, """
                { "Correspondence": { "Sender": { "Companies": { "ACME": "ACME SAS" }, "Addresses": { "ACME": [ "1 place de l'Exemple", "69002 Lyon" ] } } } }
                """);
            string[] Args(string caseId, string output) =>
            [
                "audit", "dossier", "--case", caseId, "--at", at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--out", output,
                "--creditor-config", creditorConfig, "--built-at", "2026-05-18T12:00:00Z",
                "--invoice-db", s.System.ConnectionString(Service.Invoice),
                "--reminder-db", s.System.ConnectionString(Service.Reminder),
                "--correspondence-db", s.System.ConnectionString(Service.Correspondence),
            ];
            var caseId = $"ACME/{s.Customer}/EUR";
            var path = Path.Combine(work.FullName, "dossier.zip");
            var (exit, output, error) = await Run(Args(caseId, path));
            Assert.True(exit == 0, $"exit {exit}: {error}");
            Assert.Contains(path, output);

            var zip = await File.ReadAllBytesAsync(path);
            var files = Entries(zip);

            // Every file is in the manifest with its SHA-256 and size, and the manifest's own hash is beside it.
            var manifest = JsonDocument.Parse(files["manifest.json"]).RootElement;
            Assert.Equal($"{Sha256(files["manifest.json"])}  manifest.json\n", Encoding.ASCII.GetString(files["manifest.json.sha256"]));
            Assert.Equal(caseId, manifest.GetProperty("case").GetString());
            Assert.Equal(at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), manifest.GetProperty("computedTo").GetString());
            var listed = manifest.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
            Assert.Equal(files.Keys.Except(["manifest.json", "manifest.json.sha256"]).Order(), listed.Keys.Order());
            foreach (var (name, entry) in listed)
            {
                Assert.Equal(Sha256(files[name]), entry.GetProperty("sha256").GetString());
                Assert.Equal(files[name].Length, entry.GetProperty("size").GetInt64());
            }

            // Each document is the exact bytes the Correspondence service serves, whose SHA-256 it recorded when it sent it.
            var correspondence = s.System.AsUser(Service.Correspondence, "auditor@acme.test", [RelanceRoles.Auditor], "ACME");
            var written = (await s.Events("reminder_requested")).Select(e => e.GetProperty("data"))
                .Where(d => d.GetProperty("channel").GetString() != "phone").ToList();
            Assert.NotEmpty(written);
            foreach (var requested in written)
            {
                var id = requested.GetProperty("reminderId").GetGuid().ToString();
                var content = await correspondence.GetByteArrayAsync($"/correspondences/{id}/content");
                var view = await correspondence.GetFromJsonAsync<JsonElement>($"/correspondences/{id}");
                var document = Assert.Single(files, f => f.Key.StartsWith("documents/", StringComparison.Ordinal) && !f.Key.Contains("_acknowledgment_")
                    && Path.GetFileNameWithoutExtension(f.Key).EndsWith($"_{id[..8]}", StringComparison.Ordinal));
                Assert.Equal(content, document.Value);
                Assert.Equal(view.GetProperty("contentSha256").GetString(), Sha256(document.Value));
                Assert.Contains($"_{requested.GetProperty("step").GetString()}_{requested.GetProperty("channel").GetString()}_", document.Key);
            }

            var noticeId = written.Last(d => d.GetProperty("step").GetString() == "formal-notice").GetProperty("reminderId").GetGuid().ToString();
            var scan = files[$"documents/2026-05-16_formal-notice_acknowledgment_{noticeId[..8]}.png"];
            Assert.Equal(card, scan);
            Assert.Equal(await correspondence.GetByteArrayAsync($"/correspondences/{noticeId}/postal-tracking/acknowledgment-card"), scan);

            // The raw case stream, for replay, holds every event of the case; the timeline is there too.
            var caseStream = JsonDocument.Parse(files[$"events/reminder/{Uri.EscapeDataString(caseId)}.json"]).RootElement;
            Assert.Equal((await s.Events()).Length, caseStream.GetProperty("events").GetArrayLength());
            // The manifest's seal head of the case stream covers every event exported (the command waits for the sealer).
            var caseSeal = Assert.Single(manifest.GetProperty("seals").GetProperty("reminder").EnumerateArray(), h => h.GetProperty("stream").GetString() == caseId);
            Assert.Equal((await s.Events()).Length, caseSeal.GetProperty("version").GetInt64());
            Assert.Contains(JsonDocument.Parse(files["timeline.json"]).RootElement.EnumerateArray(), e => e.GetProperty("type").GetString() == "letter_receipt_acknowledged");

            // The summary: parties, invoice, penalties and indemnity computed to the date, the formal notice and its proofs.
            var text = PdfText.Flat(files["summary.pdf"]);
            string Money(decimal amount) => PdfText.Flat(French.Money(amount, "EUR"));
            var days = at.DayNumber - FormalNoticeCase.Due.DayNumber;
            // 1,200 € × 12.15 % (ECB 2.15 % + 10 points, first half of 2026) × days late / 365.
            var penalty = Math.Round(FormalNoticeCase.Amount * 0.1215m * days / 365, 2);
            Assert.Contains("ACME SAS 1 place de l'Exemple 69002 Lyon", text);
            Assert.Contains("Dupont SAS 12 rue des Lilas 69003 Lyon", text);
            Assert.Contains("SIREN : 732829320", text);
            Assert.Contains($"F-1 02/03/2026 01/04/2026 {Money(1200m)} {Money(0m)} {Money(1200m)} impayée", text);
            Assert.Contains($"F-1 {Money(1200m)} {days} 12,15 % {Money(penalty)} {Money(40m)}", text);
            Assert.Contains($"Total réclamé au {French.Date(at)} : {Money(1200m + penalty + 40m)}", text);

            var notice = written.Last(d => d.GetProperty("step").GetString() == "formal-notice");
            var noticeView = await correspondence.GetFromJsonAsync<JsonElement>($"/correspondences/{notice.GetProperty("reminderId").GetGuid()}");
            var sentAt = TimeZoneInfo.ConvertTime(noticeView.GetProperty("queuedForPosting").GetProperty("queuedAt").GetDateTimeOffset(), Paris);
            Assert.Contains($"Mise en demeure envoyée le {sentAt:dd/MM/yyyy} à {sentAt:HH}h{sentAt:mm} par lettre recommandée avec accusé de réception, n° de suivi 1A01234567890", text);
            Assert.Contains("reçue le 16/05/2026 (accusé de réception signé) ; délai de paiement accordé : 8 jours, jusqu'au 24/05/2026 inclus", text);
            Assert.Contains("n° de suivi 1A01234567890 ; posté le 14/05/2026 ; accusé de réception signé le 16/05/2026", text);
            Assert.Contains($"SHA-256 {noticeView.GetProperty("contentSha256").GetString()}", text);
            Assert.Contains($"scan de l'accusé de réception : documents/2026-05-16_formal-notice_acknowledgment_{noticeId[..8]}.png (SHA-256 {Sha256(card)})", text);

            // The same inputs give the same archive, byte for byte.
            var again = Path.Combine(work.FullName, "again.zip");
            Assert.Equal(0, (await Run(Args(caseId, again))).Exit);
            Assert.Equal(zip, await File.ReadAllBytesAsync(again));

            // The seal heads recorded stop at the version exported: a seal written after the events were read is left out.
            await using (var connection = new NpgsqlConnection(s.System.ConnectionString(Service.Reminder)))
            {
                await connection.OpenAsync();
                var exported = caseSeal.GetProperty("version").GetInt64() - 1;
                var heads = await RawStreams.SealHeadsAsync(connection, "reminder", new Dictionary<string, long> { [caseId] = exported }, CancellationToken.None);
                Assert.Equal(exported, Assert.Single(heads!).Version);
            }

            // A document altered in the store after it was sent: the file is refused, naming the document.
            var noticeDocument = files.Keys.Single(k => k.StartsWith("documents/", StringComparison.Ordinal) && k.EndsWith($"_registered-letter_{noticeId[..8]}.pdf", StringComparison.Ordinal));
            var altered = files[noticeDocument].ToArray();
            altered[altered.Length / 2] ^= 1;
            await using (var connection = new NpgsqlConnection(s.System.ConnectionString(Service.Correspondence)))
            {
                await connection.OpenAsync();
                await using var update = new NpgsqlCommand(
                    "update relance.mt_events set data = jsonb_set(data, '{Pdf}', to_jsonb(@pdf::text)) where stream_id = @id and type = 'correspondence_rendered'", connection);
                update.Parameters.AddWithValue("pdf", Convert.ToBase64String(altered));
                update.Parameters.AddWithValue("id", noticeId);
                Assert.Equal(1, await update.ExecuteNonQueryAsync());
            }
            var (alteredExit, _, alteredError) = await Run(Args(caseId, Path.Combine(work.FullName, "altered.zip")));
            Assert.Equal(2, alteredExit);
            Assert.Contains(noticeDocument, alteredError);
            Assert.Contains(noticeView.GetProperty("contentSha256").GetString()!, alteredError);
            Assert.False(File.Exists(Path.Combine(work.FullName, "altered.zip")));

            // A case that does not exist (checked here, on the same databases, rather than on services of its own).
            var (missingExit, _, missingError) = await Run(Args("ACME/NOPE/EUR", Path.Combine(work.FullName, "none.zip")));
            Assert.Equal(2, missingExit);
            Assert.Contains("There is no dunning case ACME/NOPE/EUR", missingError);
            Assert.False(File.Exists(Path.Combine(work.FullName, "none.zip")));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    static async Task<(int Exit, string Output, string Error)> Run(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await RelanceCli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    static Dictionary<string, byte[]> Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip));
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var read = new MemoryStream();
            using (var stream = e.Open()) stream.CopyTo(read);
            return read.ToArray();
        });
    }

    static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
