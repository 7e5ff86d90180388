using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JasperFx;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Relance.Benchmarking;
using Relance.Cli;
using Relance.ReminderService;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ReminderService.DunningCases.Approving;
using Relance.ReminderService.DunningCases.ChangingBalance;
using Relance.ReminderService.DunningCases.RecordingReminderSent;
using Relance.ReminderService.DunningCases.TakingDueActions;
using Relance.ReminderService.DunningPlans;
using Relance.ReminderService.LatePayment;
using Relance.ServiceDefaults;

namespace Relance.AuditBenchmarks;

/// <summary>
/// <c>rebuild [--cases 20000] [--runs 3] [--keep] [--generate-only | --database name [--drop]]</c>: the rate of <c>relance projections rebuild</c> (target ≥ 20,000
/// events/s). In a database of its own (created, then dropped unless --keep), it writes a Reminder store of dunning
/// cases decided by the service's own decider (invoices joining, reminders asked for and sent, approvals, partial
/// payments: about ten events a case), appended through Marten with the service's inline projections, as the service
/// writes them. Then it runs the command line in process: --check, the rebuild itself, and --check again, each
/// <c>--runs</c> times, and prints events/s and documents/s per projection and overall; each rebuild run is followed by its
/// raw baseline (<see cref="RawRebuild"/>) on the same store, and the medians go to deploy/bench.sh's table (<see cref="Relance.Benchmarking.BenchRow"/>). audit.sh generates in one
/// process and measures in another, as the service and the tool are; the first run then includes the tool's warm-up
/// (its code compiled as it first runs). Exit 1 if a run found a document that did not match its events (the generated store is consistent: that would be the rebuild's fault).
/// </summary>
public static class RebuildBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var cases = IntOption(args, "--cases", 20_000);
        var runs = IntOption(args, "--runs", 3);
        // --generate-only: write the store, keep it, print its database, measure nothing.
        // --database: a store already there (e.g. written by --generate-only, in another process), measured as it is,
        // then kept, or dropped with --drop.
        var generateOnly = args.Contains("--generate-only");
        var existing = args.SkipWhile(a => a != "--database").Skip(1).FirstOrDefault();
        var keep = generateOnly || args.Contains("--keep") || (existing is not null && !args.Contains("--drop"));
        var server = Environment.GetEnvironmentVariable("RELANCE_POSTGRES")
            ?? throw new InvalidOperationException("RELANCE_POSTGRES is not set: source .relance/env (deploy/infra.sh writes it).");
        var database = existing ?? $"relance_bench_rebuild_{Environment.ProcessId}";
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;

        if (existing is null) await AdministerAsync(server, $"CREATE DATABASE {database}");
        try
        {
            if (existing is null)
            {
                var generated = Stopwatch.StartNew();
                var events = await GenerateAsync(connectionString, cases);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"rebuild benchmark: {cases:N0} dunning cases, {events:N0} events (≈{(double)events / cases:0.0} a case) appended with their inline projections in {generated.Elapsed.TotalSeconds:0.0} s, database {database}"));
            }
            else Console.WriteLine($"rebuild benchmark: the store in database {database}, as it is");
            if (generateOnly) return 0;

            var failures = 0;
            var rates = new Dictionary<string, List<double>>();
            // What two idle cores would allow if the work spread over both: events / (this process's CPU + PostgreSQL's) / 2.
            var idleRates = new Dictionary<string, List<double>>();
            var rawRates = new List<double>();
            long storeEvents = 0, storeStreams = 0;
            var loadBefore = LoadAverage();
            Console.WriteLine($"  load average before: {loadBefore}");
            foreach (var (label, check) in new[] { ("check", true), ("rebuild", false), ("check-after", true) })
            {
                for (var run = 1; run <= runs; run++)
                {
                    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    var serverBefore = await ServerCpuAsync(server, database);
                    var (exit, report, wall) = await RunCliAsync(connectionString, check);
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                    var serverCpu = (await ServerCpuAsync(server, database))
                        .Sum(b => (b.Value - serverBefore.GetValueOrDefault(b.Key)).TotalSeconds);
                    if (exit != 0) failures++;
                    var store = report.GetProperty("stores")[0];
                    var eventsReplayed = store.GetProperty("eventsReplayed").GetInt64();
                    var seconds = store.GetProperty("seconds").GetDouble();
                    (storeEvents, storeStreams) = (eventsReplayed, store.GetProperty("streams").GetInt64());
                    rates.TryAdd(label, []);
                    rates[label].Add(eventsReplayed / seconds);
                    idleRates.TryAdd(label, []);
                    idleRates[label].Add(eventsReplayed / ((cpu.TotalSeconds + serverCpu) / 2));
                    var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
                        $"  {label,-11} run {run}: exit {exit}, {eventsReplayed:N0} events, {store.GetProperty("streams").GetInt64():N0} streams in {seconds:0.00} s = {eventsReplayed / seconds:N0} events/s (reading events {store.GetProperty("readSeconds").GetDouble():0.00} s; command {wall.TotalSeconds:0.00} s, store opening included; CPU: this process {cpu.TotalSeconds:0.00} s, PostgreSQL {serverCpu:0.00} s)"));
                    foreach (var p in store.GetProperty("projections").EnumerateArray())
                    {
                        var comparison = p.GetProperty("comparison");
                        line.Append(CultureInfo.InvariantCulture,
                            $"; {p.GetProperty("projection").GetString()}: {p.GetProperty("documentsAfter").GetInt64():N0} documents, {p.GetProperty("seconds").GetDouble():0.00} s (replay {p.GetProperty("replaySeconds").GetDouble():0.00}, copy {p.GetProperty("copySeconds").GetDouble():0.00}, compare {p.GetProperty("compareSeconds").GetDouble():0.00}, replace {p.GetProperty("replaceSeconds").GetDouble():0.00}) = {p.GetProperty("documentsPerSecond").GetDouble():N0} documents/s, identical {comparison.GetProperty("identical").GetInt64():N0}, changed {comparison.GetProperty("changed").GetArrayLength()}, missing {comparison.GetProperty("missing").GetArrayLength()}, extra {comparison.GetProperty("extra").GetArrayLength()}");
                    }
                    Console.WriteLine(line);
                    if (label != "rebuild") continue;
                    // The raw baseline right after each rebuild run, on the same store and in the same process.
                    var raw = await RawRebuild.RunAsync(connectionString);
                    if (raw.Events != eventsReplayed)
                        throw new InvalidOperationException($"The raw baseline read {raw.Events:N0} events, the rebuild replayed {eventsReplayed:N0}.");
                    rawRates.Add(raw.EventsPerSecond);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  raw         run {run}: {raw.Events:N0} events, {raw.Rows:N0} rows in {raw.Seconds:0.00} s = {raw.EventsPerSecond:N0} events/s ({RawRebuild.What})"));
                }
            }
            foreach (var (label, values) in rates)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {label,-11} median {Median(values):N0} events/s (target ≥ 20,000: {(Median(values) >= 20_000 ? "met" : "NOT met")}); CPU-bound on 2 idle cores ≤ {Median(idleRates[label]):N0} events/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  raw         median {Median(rawRates):N0} events/s"));
            Console.WriteLine($"  load average after: {LoadAverage()}");
            var rebuilt = Median(rates["rebuild"]);
            new BenchRow("rebuild", "projections rebuild (replace mode), events replayed per second", rebuilt, "events/s", Median(rawRates), "plain SQL read, trivial fold, COPY a row per case",
                BenchRow.OfRawRate(rebuilt, Median(rawRates)), "≥ 20,000 events/s", rebuilt >= 20_000, "bash deploy/bench.sh rebuild",
                string.Create(CultureInfo.InvariantCulture, $"`relance projections rebuild` of a Reminder store of {storeEvents:N0} events in {storeStreams:N0} streams ({rates["rebuild"].Count} runs, median; check mode median {Median(rates["check"]):N0} events/s; CPU-bound on 2 idle cores ≤ {Median(idleRates["rebuild"]):N0} events/s), each run followed by the baseline: {RawRebuild.What}; load before {string.Join(' ', loadBefore.Split(' ').Take(3))}")).Append();
            if (failures > 0) Console.WriteLine($"  {failures} run(s) reported a mismatch: the rebuild disagrees with Marten's inline projections");
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (keep) Console.WriteLine($"  kept database {database}");
            else await DropAsync(server, database);
        }
    }

    static async Task<(int Exit, JsonElement Report, TimeSpan Wall)> RunCliAsync(string connectionString, bool check)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] args = ["projections", "rebuild", "--service", "reminder", "--json", "--reminder-db", connectionString, .. check ? new[] { "--check" } : []];
        var wall = Stopwatch.StartNew();
        var exit = await RelanceCli.RunAsync(args, output, error);
        wall.Stop();
        if (exit == 2) throw new InvalidOperationException($"relance {string.Join(' ', args[..4])} refused: {error}");
        return (exit, JsonDocument.Parse(output.ToString()).RootElement.Clone(), wall.Elapsed);
    }

    /// <summary>The cases, decided by the service's decider and appended 500 streams a session, inline projections included.</summary>
    static async Task<long> GenerateAsync(string connectionString, int cases)
    {
        await using var store = EventStore.OpenStore(connectionString, ReminderApp.Name, ReminderApp.ConfigureEvents);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);
        var plan = JsonSerializer.Deserialize<DunningPlan>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", "standard.json")), PlanCatalog.Json)! with { Version = 1 };
        var law = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "late-payment-law.json")).Build()
            .GetSection("LatePaymentLaw").Get<LatePaymentLaw>()!;

        long events = 0;
        const int perSession = 500;
        for (var first = 0; first < cases; first += perSession)
        {
            await using var session = store.LightweightSession();
            session.Attribute("system:benchmark", $"benchmark-{first}", null);
            if (first == 0)
            {
                session.Events.StartStream<PublishedPlan>(PublishedPlan.StreamKey(plan.Id), new DunningPlanPublished(plan, "system:benchmark", "benchmark", DateTimeOffset.UtcNow));
                events++;
            }
            for (var i = first; i < Math.Min(cases, first + perSession); i++)
            {
                var (caseId, decided) = Case(i, plan, law);
                session.Events.StartStream<DunningCase>(caseId, decided.ToArray());
                events += decided.Count;
            }
            await session.SaveChangesAsync();
        }
        return events;
    }

    /// <summary>One customer's case as the service would decide it: one to three invoices, then the plan's steps as they fall due.</summary>
    static (string CaseId, List<object> Events) Case(int i, DunningPlan plan, LatePaymentLaw law)
    {
        var customer = new CaseCustomer($"C-{i:000000}", $"Client {i} SARL", $"compta{i}@client.example")
        {
            PostalAddress = new CasePostalAddress([$"{1 + i % 90} rue des Lilas"], "69003", "Lyon", "FR"),
            Contacts = [new CaseContact("billing", $"Contact {i}", $"factures{i}@client.example", "+33 4 72 00 00 01")],
        };
        var now = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(1)).AddDays(i % 60);
        var events = new List<object>();
        DunningCase? state = null;
        void Apply(IReadOnlyList<object> decided)
        {
            foreach (var e in decided)
            {
                state = DunningCaseEvolution.Evolve(state, e);
                events.Add(e);
            }
        }

        for (var k = 0; k < 1 + i % 3; k++)
        {
            var due = DateOnly.FromDateTime(now.Date).AddDays(-10 - 7 * k);
            Apply(DunningCaseDecider.Decide(new AddInvoiceToCase("BENCH", customer, "EUR", $"F-{i:000000}-{k}", due.AddDays(-30), due, 250m + (i * 37 + k * 101) % 5000, plan, "the default plan", now),
                state, new DunningPolicy(), law));
            now = now.AddHours(3);
        }
        for (var step = 0; step < 12 && events.Count < 10 && state is { Status: CaseStatus.Open }; step++)
        {
            if (state.AwaitingApproval is { Approved: false } pending)
            {
                Apply(DunningCaseDecider.Decide(new DecideApproval(state.Id, pending.ActionId, true, "user:manager@bench", null, now.AddHours(2)), state));
                continue;
            }
            if (state.NextActionAt is not { } next) break;
            now = next > now ? next : now.AddHours(1);
            var before = events.Count;
            Apply(DunningCaseDecider.Decide(new TakeDueActions(Guid.NewGuid(), now), state, law));
            foreach (var requested in events.Skip(before).OfType<ReminderRequested>().Where(r => r.Channel is "email" or "letter").ToList())
                Apply(DunningCaseDecider.Decide(new RecordReminderSent(state.Id, requested.ReminderId, requested.Channel, requested.Recipient.Email ?? requested.Recipient.Name,
                    now.AddMinutes(5), Convert.ToHexStringLower(SHA256.HashData(requested.ReminderId.ToByteArray()))), state));
            if (i % 4 == 0 && state.OpenInvoices.FirstOrDefault() is { } invoice && invoice.Outstanding > 100)
                Apply(DunningCaseDecider.Decide(new ChangeInvoiceBalance(state.Id, invoice.InvoiceNumber, invoice.Outstanding - 100, invoice.DueDate, "partial payment", now.AddDays(1)), state));
        }
        return (state!.Id, events);
    }

    /// <summary>
    /// The processor time of each PostgreSQL backend serving the database (Linux /proc; empty elsewhere). The command's
    /// pooled connections outlive a run, so the difference over a run is the server's work for it.
    /// </summary>
    static async Task<Dictionary<int, TimeSpan>> ServerCpuAsync(string server, string database)
    {
        var cpu = new Dictionary<int, TimeSpan>();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = $1", connection);
        command.Parameters.AddWithValue(database);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var pid = reader.GetInt32(0);
            try
            {
                // utime and stime: fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second), after the ")" of the name.
                var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                cpu[pid] = TimeSpan.FromMilliseconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return cpu;
    }

    static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    static int IntOption(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Dropped once its last session ends (an autovacuum worker may linger a moment; FORCE may not end it).</summary>
    static async Task DropAsync(string server, string database)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AdministerAsync(server, $"DROP DATABASE IF EXISTS {database}");
                return;
            }
            catch (PostgresException inUse) when (inUse.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    static async Task AdministerAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
