using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Marten.Services;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.Writing;
using Relance.ReminderService.LatePayment;
using Relance.ServiceDefaults.Audit.Timeline;

namespace Relance.Cli.Dossier;

/// <summary>
/// <c>relance audit dossier --case ACME/C-1/EUR [--at 2026-05-18] --out dossier.zip</c>: the litigation file a lawyer
/// needs for an injonction de payer, as one zip (README "The litigation file").
/// </summary>
public static class DossierCommand
{
    static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public static void Register(CliContext context, Command audit, Command projections, Command privacy)
    {
        var caseOption = new Option<string>("--case") { Description = "The dunning case: company/customer/currency, e.g. ACME/C-1/EUR", Required = true };
        var atOption = new Option<string?>("--at") { Description = "The day penalties and indemnities are computed to, yyyy-MM-dd (default: today in Paris)" };
        var outOption = new Option<string>("--out") { Description = "The zip file to write", Required = true };
        var creditorOption = new Option<string?>("--creditor-config")
        {
            Description = "The Correspondence service's appsettings.json, for the creditor's name and address (Correspondence:Sender); without it, the name the letters bear",
        };
        var lawOption = new Option<string?>("--late-payment-law") { Description = "The legal rates by period (default: the Reminder service's late-payment-law.json shipped with the tool)" };
        var builtAtOption = new Option<string?>("--built-at")
        {
            Description = "The build time the archive records (ISO 8601, default: now): give a manifest's builtAt to rebuild its archive byte for byte",
        };
        var jsonOption = new Option<bool>("--json") { Description = "Print what was written as JSON" };
        var sealWaitOption = new Option<int>("--seal-wait")
        {
            Description = "Seconds to wait for the services to seal the case's latest events before recording the seal heads (default 30)",
            DefaultValueFactory = _ => 30,
        };

        var command = new Command("dossier", "Export a case's litigation file (injonction de payer): a PDF summary, the documents sent, the invoices' documents, the timeline and raw events, and a manifest of SHA-256 hashes, in one zip.")
        {
            caseOption, atOption, outOption, creditorOption, lawOption, builtAtOption, jsonOption, sealWaitOption,
        };
        command.SetAction(async (parsed, cancellation) =>
        {
            var key = CaseKey.Parse(parsed.GetValue(caseOption)!);
            var at = parsed.GetValue(atOption) is { } atText ? Day(atText) : DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Paris).DateTime);
            var builtAt = parsed.GetValue(builtAtOption) is { } builtText ? Instant(builtText) : Truncated(DateTimeOffset.UtcNow);
            var output = parsed.GetValue(outOption)!;
            var law = Law(parsed.GetValue(lawOption) ?? Path.Combine(AppContext.BaseDirectory, "late-payment-law.json"));
            var creditor = CreditorSource.From(parsed.GetValue(creditorOption));

            var sealWait = TimeSpan.FromSeconds(Math.Max(0, parsed.GetValue(sealWaitOption)));
            var dossier = await BuildAsync(context, parsed, key, at, builtAt, law, creditor, sealWait, cancellation);
            var directory = Path.GetDirectoryName(Path.GetFullPath(output))!;
            if (!Directory.Exists(directory)) throw new CliException($"--out {output}: the directory {directory} does not exist.");
            await File.WriteAllBytesAsync(output, dossier.Zip, cancellation);
            await Report(context.Output, dossier, output, parsed.GetValue(jsonOption));
            return 0;
        });
        audit.Subcommands.Add(command);
    }

    /// <summary>The archive's bytes and what the summary states.</summary>
    public sealed record Built(CaseFile File, byte[] Zip, byte[] Manifest, int Files);

    static async Task<Built> BuildAsync(CliContext context, ParseResult parsed, CaseKey key, DateOnly at, DateTimeOffset builtAt,
        LatePaymentLaw law, CreditorSource creditor, TimeSpan sealWait, CancellationToken cancellation)
    {
        var connections = new Dictionary<string, string>
        {
            [AuditStore.Invoice] = context.Stores.ConnectionString(parsed, StoreName.Invoice),
            [AuditStore.Reminder] = context.Stores.ConnectionString(parsed, StoreName.Reminder),
            [AuditStore.Correspondence] = context.Stores.ConnectionString(parsed, StoreName.Correspondence),
        };
        using var invoiceStore = context.Stores.Open(parsed, StoreName.Invoice);
        using var reminderStore = context.Stores.Open(parsed, StoreName.Reminder);
        using var correspondenceStore = context.Stores.Open(parsed, StoreName.Correspondence);

        // A first read names the case's streams, to wait for their seals: the services' audit-seal subscriptions write
        // them a moment after the events (a service stopped leaves its tail unsealed).
        await using (var invoice = invoiceStore.QuerySession())
        await using (var reminder = reminderStore.QuerySession())
        await using (var correspondence = correspondenceStore.QuerySession())
        {
            var named = await ReadCaseAsync(new DossierStores(invoice, reminder, correspondence), key, at, law, creditor, cancellation);
            foreach (var group in named.Streams.GroupBy(s => s.Service))
                await WaitForSealsAsync(connections[group.Key], [.. group.Select(s => s.Stream)], sealWait, cancellation);
        }

        // Then everything the archive holds is read again, each store in one REPEATABLE READ transaction: the summary,
        // the documents, the raw events, the seal heads and the timeline describe one state of that store, however
        // active the case. The seal heads are bounded besides by each stream's version exported (a seal is written after
        // its event, so in one snapshot a head never passes the stream's end; the bound says so in the query). The three
        // databases cannot share one snapshot: theirs are taken back to back, and the case (the Reminder's) names which
        // invoices and correspondences are read; one recorded meanwhile in another store is in the file or not, whole.
        await using var invoiceSnapshot = await StoreSnapshot.OpenAsync(connections[AuditStore.Invoice], cancellation);
        await using var reminderSnapshot = await StoreSnapshot.OpenAsync(connections[AuditStore.Reminder], cancellation);
        await using var correspondenceSnapshot = await StoreSnapshot.OpenAsync(connections[AuditStore.Correspondence], cancellation);
        var snapshots = new Dictionary<string, StoreSnapshot>
        {
            [AuditStore.Invoice] = invoiceSnapshot, [AuditStore.Reminder] = reminderSnapshot, [AuditStore.Correspondence] = correspondenceSnapshot,
        };
        CaseRead read;
        await using (var invoice = invoiceStore.QuerySession(SessionOptions.ForTransaction(invoiceSnapshot.Transaction)))
        await using (var reminder = reminderStore.QuerySession(SessionOptions.ForTransaction(reminderSnapshot.Transaction)))
        await using (var correspondence = correspondenceStore.QuerySession(SessionOptions.ForTransaction(correspondenceSnapshot.Transaction)))
            read = await ReadCaseAsync(new DossierStores(invoice, reminder, correspondence), key, at, law, creditor, cancellation);

        // The raw streams and their seal heads, service by service.
        var events = new List<ArchiveFile>();
        var seals = new Dictionary<string, IReadOnlyList<SealHead>?>();
        foreach (var group in read.Streams.GroupBy(s => s.Service))
        {
            var connection = snapshots[group.Key].Connection;
            var exported = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (service, stream) in group)
            {
                var (raw, version) = await RawStreams.ReadAsync(connection, service, stream, cancellation);
                events.Add(raw);
                exported[stream] = version;
            }
            var unsealed = await RawStreams.UnsealedAsync(connection, [.. exported.Keys], cancellation);
            if (unsealed > 0)
                await context.Error.WriteLineAsync($"warning: {unsealed} event(s) of the case in the {group.Key} store are not sealed yet (is the {group.Key} service running?): the manifest's seal heads stop before them.");
            seals[group.Key] = await RawStreams.SealHeadsAsync(connection, group.Key, exported, cancellation);
        }

        var entries = await AuditTimeline.ReadAsync([.. connections.Select(c => new AuditStore(c.Key, c.Value) { Connection = snapshots[c.Key].Connection })],
            new AuditSubject.Case(key.CompanyId, key.CustomerId, key.Currency), until: null, cancellation);
        var timeline = new ArchiveFile("timeline.json", [.. JsonSerializer.SerializeToUtf8Bytes(entries, TimelineJson), (byte)'\n']);

        var others = DossierArchive.Ordered([timeline, .. read.Documents, .. events]).ToList();
        var file = read.File with { Files = [.. others.Select(f => f.Hash)] };
        var summary = new ArchiveFile("summary.pdf", SummaryPdf.Render(file, builtAt));
        List<ArchiveFile> content = [summary, .. others];
        var manifest = DossierArchive.Manifest(key.StreamKey, at, builtAt, ToolVersion, DossierArchive.Ordered(content), seals, file.Erased);
        List<ArchiveFile> all = [new(DossierArchive.ManifestName, manifest), new(DossierArchive.ManifestHashName, DossierArchive.ManifestHashLine(manifest)), .. content];
        return new Built(file, DossierArchive.Zip(all, builtAt), manifest, all.Count);
    }

    static async Task<CaseRead> ReadCaseAsync(DossierStores stores, CaseKey key, DateOnly at, LatePaymentLaw law, CreditorSource creditor, CancellationToken cancellation)
    {
        try
        {
            return await CaseFileReader.ReadAsync(stores, key, at, law, creditor, cancellation);
        }
        catch (LegalFigureMissingException missing)
        {
            throw new CliException($"Penalties cannot be computed to {at:yyyy-MM-dd}: {missing.Message} (give --late-payment-law, or an earlier --at).");
        }
    }

    /// <summary>Waits, up to <paramref name="sealWait"/>, until every event of these streams is sealed.</summary>
    static async Task WaitForSealsAsync(string connectionString, string[] streams, TimeSpan sealWait, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation);
        for (var deadline = DateTime.UtcNow + sealWait; await RawStreams.UnsealedAsync(connection, streams, cancellation) > 0 && DateTime.UtcNow < deadline;)
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellation);
    }

    static readonly JsonSerializerOptions TimelineJson = new(JsonSerializerDefaults.Web) { WriteIndented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static string ToolVersion =>
        $"relance {typeof(DossierCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown"}";

    static async Task Report(TextWriter output, Built dossier, string path, bool json)
    {
        var file = dossier.File;
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                @case = file.CaseId, computedTo = file.At.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), @out = path, files = dossier.Files,
                sha256 = MimeMessages.Sha256(dossier.Zip), manifestSha256 = MimeMessages.Sha256(dossier.Manifest),
                currency = file.Currency, principal = file.Principal, penalties = file.Penalties, indemnities = file.Indemnities, total = file.Total,
            }, JsonSerializerOptions.Web));
            return;
        }
        string Money(decimal amount) => English.Money(amount, file.Currency);
        await output.WriteLineAsync($"Litigation file of {file.CaseId}, amounts to {file.At:yyyy-MM-dd}: {path} ({dossier.Files} files, {dossier.Zip.Length:N0} bytes)");
        await output.WriteLineAsync($"  debtor      {file.Debtor.LegalName}{(file.Debtor.Siren is { } siren ? $" (SIREN {siren})" : "")}");
        await output.WriteLineAsync($"  owed        {Money(file.Principal)} on {file.Invoices.Count(i => i.Outstanding > 0)} invoice(s), penalties {Money(file.Penalties)}, indemnities {Money(file.Indemnities)}: {Money(file.Total)}");
        await output.WriteLineAsync($"  documents   {file.Proofs.Count} sent, {file.Files.Count(f => f.Name.StartsWith("invoices/", StringComparison.Ordinal))} invoice document(s)");
        await output.WriteLineAsync($"  manifest    sha256 {MimeMessages.Sha256(dossier.Manifest)} (manifest.json.sha256; check with: unzip, then sha256sum -c manifest.json.sha256)");
    }

    static LatePaymentLaw Law(string path)
    {
        if (!File.Exists(path)) throw new CliException($"The legal rates file {path} does not exist (--late-payment-law).");
        return new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path), optional: false).Build().GetSection("LatePaymentLaw").Get<LatePaymentLaw>()
               ?? throw new CliException($"{path} has no LatePaymentLaw section (the legal rates by period).");
    }

    static DateOnly Day(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day : throw new CliException($"--at {text}: expected a day as yyyy-MM-dd.");

    static DateTimeOffset Instant(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant.ToUniversalTime() : throw new CliException($"--built-at {text}: expected an ISO 8601 instant, e.g. 2026-05-18T09:00:00Z.");

    static DateTimeOffset Truncated(DateTimeOffset now) => new(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
