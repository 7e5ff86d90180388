using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Marten;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Relance.Benchmarking;
using Relance.Benchmarks;
using Relance.Benchmarks.DunningRun;
using Relance.ReminderService;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.TakingDueActions;
using Relance.ReminderService.DunningPlans;
using Relance.ReminderService.LatePayment;

// relance-benchmarks dunning-run [--customers 100000] [--invoices-per-customer 10] [--due-percent 10] [--seed copy|marten] [--database name] [--keep]
//
// The dunning run at scale: seeds a fresh Reminder database with N customers' cases of M open invoices each, a given
// share of them with an action due (Seeding: by COPY of the rows Marten would write, or through Marten itself), times
// the raw baseline (plain SQL: read the due rows, write one action row each), lets the real scheduler act on one
// warm-up case, then times one run of it on the state before any action, and checks that both took exactly one action
// per due case, on the same cases. Exit 1 when a count is wrong. Writes one row to $RELANCE_BENCH_ROWS when set.
if (args.FirstOrDefault() != "dunning-run")
{
    Console.Error.WriteLine("usage: relance-benchmarks dunning-run [--customers 100000] [--invoices-per-customer 10] [--due-percent 10] [--seed copy|marten] [--database name] [--keep]");
    return 2;
}
string? Text(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int Option(string name, int fallback) => Text(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var customers = Option("--customers", 100_000);
var perCustomer = Option("--invoices-per-customer", 10);
var duePercent = Option("--due-percent", 10);
var seedThroughMarten = Text("--seed") == "marten";
var postgres = Environment.GetEnvironmentVariable("RELANCE_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=relance;Password=relance";
// A database of its own, dropped and made afresh: by default named after its size, or as --database says (two runs of one size side by side).
var database = Text("--database") ?? $"relance_bench_dunning_{customers}";
var connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString;
var loadBefore = BenchRow.LoadAverage();

await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Database = "postgres" }.ConnectionString))
{
    await admin.OpenAsync();
    await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin).ExecuteNonQueryAsync();
}

// Monday 2 March 2026, 08:00 UTC (09:00 in Paris): the moment of the run.
var runAt = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
var clock = new FakeTimeProvider(runAt.AddDays(-30));
var app = ReminderApp.Build(
[
    $"--ConnectionStrings:Marten={connectionString}",
    "--ConnectionStrings:RabbitMq=amqp://guest:guest@127.0.0.1:5672/",
    "--Serilog:MinimumLevel:Default=Warning",
    // The service refuses to start without a way to check tokens; nothing here calls its HTTP API.
    $"--Auth:SigningKey={Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}",
    $"--contentRoot={AppContext.BaseDirectory}",
], builder => builder.Services.AddSingleton<TimeProvider>(clock));
var store = (DocumentStore)app.Services.GetRequiredService<IDocumentStore>();
await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
var law = app.Services.GetRequiredService<LatePaymentLaw>();
var plan = System.Text.Json.JsonSerializer.Deserialize<DunningPlan>(
    await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "plans", "standard.json")), PlanCatalog.Json)! with { Version = 1 };
var cases = new BenchmarkCases(plan, app.Services.GetRequiredService<DunningPolicy>(), law, runAt, perCustomer, duePercent);
var expected = cases.DueAmong(customers);

var seeding = Stopwatch.StartNew();
var events = seedThroughMarten ? await Seeding.ThroughMartenAsync(store, cases, customers) : await Seeding.ThroughCopyAsync(store, connectionString, cases, customers);
seeding.Stop();
Console.Error.WriteLine($"seeded {customers:N0} cases, {customers * perCustomer:N0} invoices, {events:N0} events {(seedThroughMarten ? "through Marten" : "by COPY")} in {seeding.Elapsed.TotalSeconds:0.0} s");
await using (var vacuum = new NpgsqlConnection(connectionString))
{
    await vacuum.OpenAsync();
    await new NpgsqlCommand("VACUUM ANALYZE", vacuum) { CommandTimeout = 0 }.ExecuteNonQueryAsync();
}
var problems = await SeedCheck.ProblemsAsync(store, cases, customers);
foreach (var problem in problems.Take(10)) Console.Error.WriteLine($"seeding: {problem}");

// The raw baseline: one untimed pass rolled back (the run after it finds the same warm cache), one timed and committed.
await RawBaseline.CreateTableAsync(connectionString);
await RawBaseline.RunAsync(connectionString, runAt, commit: false);
await RawBaseline.CreateTableAsync(connectionString); // afresh: without the warm-up's dead rows
var baseline = await RawBaseline.RunAsync(connectionString, runAt, commit: true);
var (baselineRows, baselineCases) = await RawBaseline.CountAsync(connectionString);
Console.WriteLine($"raw baseline: {baseline.DueRead:N0} due rows read, {baselineRows:N0} action rows written ({baseline.ActionBytes / Math.Max(1, baselineRows)} bytes of jsonb each) in {baseline.Elapsed.TotalSeconds:0.00} s");

// The warm-up: one more case, seeded through Marten, acted on by the real scheduler 5 days before the run.
var scheduler = app.Services.GetRequiredService<ReminderScheduler>();
var warmUp = cases.WarmUp(customers);
await using (var session = store.LightweightSession())
{
    session.Events.StartStream(warmUp.Id, [.. warmUp.Events]);
    await session.SaveChangesAsync();
}
clock.SetUtcNow(runAt.AddDays(-5));
var warmUpActions = await scheduler.RunOnceAsync(CancellationToken.None);

// Where the run's time goes: reading and deciding the due cases alone, timed apart by the preview (which appends
// nothing); the rest of the run is appending and projecting.
clock.SetUtcNow(runAt);
var reading = Stopwatch.StartNew();
var previewed = (await Preview.DecideDueAsync(store, runAt, law, expected, null, CancellationToken.None)).Count;
reading.Stop();

// The run, at its moment, on the state before any action.
// The seeding's buffers are garbage by now; an aggressive collection gives their memory back, so that the working set
// measured during the run is the run's own.
GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
var memoryBefore = Environment.WorkingSet;
long peak = memoryBefore;
using var sampling = new Timer(_ => { var now = Environment.WorkingSet; if (now > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, now); }, null, 0, 20);
// The process's CPU time as well as the elapsed time: on a shared machine the elapsed time says as much about the
// neighbours as about the run, the CPU time much less.
var jitBefore = JitInfo.GetCompiledMethodCount();
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var run = Stopwatch.StartNew();
var appended = await scheduler.RunOnceAsync(CancellationToken.None);
run.Stop();
var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
var jitted = JitInfo.GetCompiledMethodCount() - jitBefore;
await sampling.DisposeAsync();

await using var query = store.QuerySession();
var requests = query.Events.QueryAllRawEvents().Where(e => e.EventTypeName == "reminder_requested" && e.StreamKey != warmUp.Id);
var requested = await requests.CountAsync();
var requestedCases = await requests.Select(e => e.StreamKey!).Distinct().CountAsync();
var stillDue = await query.Query<DunningCase>().CountAsync(c => c.NextActionAt != null && c.NextActionAt <= runAt);
var differing = await RawBaseline.CasesDifferingFromRunAsync(connectionString, warmUp.Id);
await RawBaseline.DropAsync(connectionString);
var ratio = run.Elapsed.TotalSeconds / baseline.Elapsed.TotalSeconds;
Console.WriteLine($"dunning run: {customers:N0} customers, {customers * perCustomer:N0} open invoices, {expected:N0} cases due: " +
    $"{run.Elapsed.TotalSeconds:0.00} s, {appended:N0} events appended, {requested:N0} reminders requested for {requestedCases:N0} cases, {stillDue} cases still due, " +
    $"{expected / run.Elapsed.TotalSeconds:N0} cases/s, {cpu.TotalSeconds:0.00} s of the process's CPU time ({jitted:N0} methods compiled during it), working set peak {peak / 1024 / 1024} MB during the run (was {memoryBefore / 1024 / 1024} MB before it)");
Console.WriteLine($"of which reading and deciding the due cases: {reading.Elapsed.TotalSeconds:0.00} s for {previewed:N0} cases (measured apart, by the preview)");
Console.WriteLine($"ratio: {ratio:0.0} × the baseline's time; seeding {seeding.Elapsed.TotalSeconds:0} s; load average before {loadBefore}, after {BenchRow.LoadAverage()}");

var failures = new List<string>();
if (warmUpActions != 1) failures.Add($"the warm-up: expected one action, the scheduler appended {warmUpActions} events");
if (problems.Count > 0) failures.Add($"{problems.Count} seeded cases read back wrong");
if (requested != expected || requestedCases != expected || stillDue != 0) failures.Add($"the run: expected {expected} reminders requested, one per due case, and no case left due");
if (baseline.DueRead != expected || baselineRows != expected || baselineCases != expected) failures.Add($"the baseline: expected {expected} due rows read and {expected} action rows, one per case");
if (differing != 0) failures.Add($"the baseline and the run acted on different cases ({differing})");
foreach (var failure in failures) Console.Error.WriteLine($"FAILED: {failure}");

if (failures.Count == 0)
    new BenchRow("dunning", $"dunning run: {customers:N0} customers, {customers * perCustomer:N0} open invoices, {duePercent} % with an action due",
        Math.Round(run.Elapsed.TotalSeconds, 2), "s", Math.Round(baseline.Elapsed.TotalSeconds, 2),
        "plain SQL: read the due rows (same index), COPY one action row per due case, one transaction",
        string.Create(CultureInfo.InvariantCulture, $"{ratio:0.0} × the baseline's time"), "< 60 s and ≤ 3 × the baseline",
        run.Elapsed.TotalSeconds < 60 && ratio <= 3, "bash deploy/bench.sh dunning",
        string.Create(CultureInfo.InvariantCulture,
            $"{expected:N0} actions; {cpu.TotalSeconds:0.0} s of CPU time in the benchmark's process; reading and deciding the due cases {reading.Elapsed.TotalSeconds:0.0} s of it (timed apart), the rest appending and projecting; peak working set {peak / 1024 / 1024} MB during the run; seeding {seeding.Elapsed.TotalSeconds:0} s ({(seedThroughMarten ? "through Marten" : "COPY of Marten's rows")}); load before {loadBefore}"))
        .Append();

if (!args.Contains("--keep"))
{
    NpgsqlConnection.ClearAllPools();
    await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Database = "postgres" }.ConnectionString);
    await admin.OpenAsync();
    await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin).ExecuteNonQueryAsync();
}
return failures.Count == 0 ? 0 : 1;
