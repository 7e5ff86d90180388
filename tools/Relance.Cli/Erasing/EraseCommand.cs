using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Relance.ServiceDefaults.Audit.PersonalData;

namespace Relance.Cli.Erasing;

/// <summary>
/// <c>relance privacy erase --company ACME --customer C-1 --reason "…" [--by who] [--json]</c>: a customer's contact details
/// erased on request, from the three stores. <c>relance privacy erase-expired --as-of 2031-06-01 [--dry-run] [--json]</c>: every
/// customer whose last activity is older than the limitation period (personal-data.json) on that date. Refused (exit 2)
/// while one of the customer's cases is open or in litigation.
/// </summary>
public static class EraseCommand
{
    public static void Register(CliContext context, Command audit, Command projections, Command privacy)
    {
        var company = new Option<string>("--company") { Description = "The creditor company (e.g. ACME)", Required = true };
        var customer = new Option<string>("--customer") { Description = "The customer's id in that company's ERP (e.g. C-1)", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why: the request it answers (kept in the erasure record)", Required = true };
        var by = new Option<string?>("--by") { Description = "Who erases (default: user:<the account running the command>)" };
        var json = new Option<bool>("--json") { Description = "The report as JSON" };
        var erase = new Command("erase", "Erases a customer's contact details and the content sent to it; the proofs' hashes stay and still verify.")
        {
            company, customer, reason, by, json,
        };
        erase.SetAction(async (parsed, cancellation) =>
        {
            var (companyId, customerId) = (parsed.GetValue(company)!, parsed.GetValue(customer)!);
            await RefuseWhileUnclosedAsync(context, parsed, companyId, customerId, cancellation);
            var records = await EraseEverywhereAsync(context, parsed, companyId, customerId,
                parsed.GetValue(by) ?? $"user:{Environment.UserName}", parsed.GetValue(reason)!, recordWhenNothingLeft: true, cancellation);
            await WriteAsync(context.Output, parsed.GetValue(json), [records], []);
            return 0;
        });
        privacy.Subcommands.Add(erase);

        var asOf = new Option<DateOnly>("--as-of") { Description = "The date the limitation period is counted back from (yyyy-MM-dd)", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "List who would be erased, erase nothing" };
        var expiredJson = new Option<bool>("--json") { Description = "The report as JSON" };
        var expired = new Command("erase-expired", "Erases the customers with no activity for the limitation period (5 years, personal-data.json).")
        {
            asOf, dryRun, expiredJson,
        };
        expired.SetAction(async (parsed, cancellation) =>
        {
            var date = parsed.GetValue(asOf);
            var period = PersonalDataRules.LimitationOn(date);
            var threshold = new DateTimeOffset(date.AddYears(-period.Years).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var done = new List<IReadOnlyList<ErasureRecord>>();
            var skipped = new List<string>();
            foreach (var (companyId, customerId, last) in await LastActivitiesAsync(context, parsed, cancellation))
            {
                if (last >= threshold) continue;
                var subject = $"{companyId}/{customerId} (last activity {last:yyyy-MM-dd})";
                if (parsed.GetValue(dryRun)) { skipped.Add($"would erase {subject}"); continue; }
                try { await RefuseWhileUnclosedAsync(context, parsed, companyId, customerId, cancellation); }
                catch (CliException refused) { skipped.Add($"skipped {subject}: {refused.Message}"); continue; }
                var records = await EraseEverywhereAsync(context, parsed, companyId, customerId, "system:erase-expired",
                    string.Create(CultureInfo.InvariantCulture, $"limitation period: no activity since {last:yyyy-MM-dd}, more than {period.Years} years before {date:yyyy-MM-dd} ({period.Basis})"),
                    recordWhenNothingLeft: false, cancellation);
                if (records.Sum(r => r.ValuesMasked + r.DocumentsMasked) > 0) done.Add(records);
                else skipped.Add($"skipped {subject}: already erased");
            }
            await WriteAsync(context.Output, parsed.GetValue(expiredJson), done, skipped);
            return 0;
        });
        privacy.Subcommands.Add(expired);
    }

    static async Task RefuseWhileUnclosedAsync(CliContext context, ParseResult parsed, string companyId, string customerId, CancellationToken cancellation)
    {
        using var reminder = context.Stores.Open(parsed, StoreName.Reminder);
        await using var connection = new NpgsqlConnection(context.Stores.ConnectionString(parsed, StoreName.Reminder));
        await connection.OpenAsync(cancellation);
        var unclosed = await Erasure.UnclosedCasesAsync(reminder, connection, companyId, customerId, cancellation);
        if (unclosed.Count > 0)
            throw new CliException($"{companyId}/{customerId} still has a case that is not closed ({string.Join(", ", unclosed.Select(c => $"{c.Id}: {c.Status.ToString().ToLowerInvariant()}"))}): "
                + "its contact details are evidence of the claim. Erase once it is paid, written off or otherwise closed.");
    }

    static async Task<IReadOnlyList<ErasureRecord>> EraseEverywhereAsync(
        CliContext context, ParseResult parsed, string companyId, string customerId, string by, string reason, bool recordWhenNothingLeft, CancellationToken cancellation)
    {
        var records = new List<ErasureRecord>();
        foreach (var name in Enum.GetValues<StoreName>())
        {
            using var store = context.Stores.Open(parsed, name);
            records.Add(await Erasure.EraseAsync(store, name, context.Stores.ConnectionString(parsed, name), companyId, customerId, by, reason,
                recordWhenNothingLeft, cancellation));
        }
        return records;
    }

    static async Task<IEnumerable<(string Company, string Customer, DateTimeOffset Last)>> LastActivitiesAsync(
        CliContext context, ParseResult parsed, CancellationToken cancellation)
    {
        var last = new Dictionary<(string, string), DateTimeOffset>();
        foreach (var subject in SubjectStreams.All)
        {
            await using var connection = new NpgsqlConnection(context.Stores.ConnectionString(parsed, subject.Store));
            await connection.OpenAsync(cancellation);
            foreach (var (company, customer, at) in await subject.LastActivitiesAsync(connection, cancellation))
                last[(company, customer)] = last.TryGetValue((company, customer), out var known) && known > at ? known : at;
        }
        return last.OrderBy(l => l.Key).Select(l => (l.Key.Item1, l.Key.Item2, l.Value));
    }

    static async Task WriteAsync(TextWriter output, bool json, List<IReadOnlyList<ErasureRecord>> erasures, List<string> skipped)
    {
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new { erased = erasures.SelectMany(e => e), skipped },
                new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
            return;
        }
        foreach (var records in erasures)
        {
            var first = records[0];
            await output.WriteLineAsync($"erased {first.CompanyId}/{first.CustomerId} by {first.ErasedBy}: {first.Reason}");
            foreach (var r in records)
                await output.WriteLineAsync($"  {r.Service}: {r.Streams.Count} streams, {r.ValuesMasked} values masked in {r.EventsChanged} events, "
                    + $"{r.DocumentsRebuilt} documents rebuilt, {r.DocumentsMasked} masked, {r.KeysDeleted} keys deleted");
        }
        foreach (var line in skipped) await output.WriteLineAsync(line);
        if (erasures.Count == 0 && skipped.Count == 0) await output.WriteLineAsync("nobody to erase");
    }
}
