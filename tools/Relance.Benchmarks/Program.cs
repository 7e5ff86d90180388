using System.Diagnostics;
using System.Globalization;
using Marten;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Relance.ReminderService;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ReminderService.DunningCases.TakingDueActions;
using Relance.ReminderService.DunningPlans;
using Relance.ReminderService.LatePayment;

// relance-benchmarks dunning-run [--customers 100000] [--invoices-per-customer 10] [--due-percent 10] [--keep]
//
// The dunning run at scale: seeds a fresh Reminder database with N customers' cases of M open invoices each
// (through the real decider and Marten's inline projection), a given share of them with an action due, then
// times one run of the real scheduler at that moment and checks that it took exactly one action per due case.
if (args.FirstOrDefault() != "dunning-run")
{
    Console.Error.WriteLine("usage: relance-benchmarks dunning-run [--customers 100000] [--invoices-per-customer 10] [--due-percent 10] [--keep]");
    return 2;
}
int Option(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var customers = Option("--customers", 100_000);
var perCustomer = Option("--invoices-per-customer", 10);
var duePercent = Option("--due-percent", 10);
var postgres = Environment.GetEnvironmentVariable("RELANCE_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=relance;Password=relance";
var database = $"relance_bench_dunning_{customers}";

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
    $"--ConnectionStrings:Marten={new NpgsqlConnectionStringBuilder(postgres) { Database = database }}",
    "--ConnectionStrings:RabbitMq=amqp://guest:guest@127.0.0.1:5672/",
    "--Serilog:MinimumLevel:Default=Warning",
    $"--contentRoot={AppContext.BaseDirectory}",
], builder => builder.Services.AddSingleton<TimeProvider>(clock));
var store = app.Services.GetRequiredService<IDocumentStore>();
await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
var law = app.Services.GetRequiredService<LatePaymentLaw>();
var policy = app.Services.GetRequiredService<DunningPolicy>();
var plan = System.Text.Json.JsonSerializer.Deserialize<DunningPlan>(
    await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "plans", "standard.json")), PlanCatalog.Json)! with { Version = 1 };

// Seeding: every case opened 30 days before the run with its invoices. A due case's oldest invoice falls
// due 10 days after the run, so its first courtesy reminder (D-10) is due at the run; the others fall due
// 60 days or more after it, so nothing is due for them.
var seeding = Stopwatch.StartNew();
var dueEvery = 100 / duePercent;
const int batch = 500;
long events = 0;
for (var start = 0; start < customers; start += batch)
{
    await using var session = store.LightweightSession();
    for (var c = start; c < Math.Min(start + batch, customers); c++)
    {
        var customer = new CaseCustomer($"C{c:D7}", $"Client {c}", $"compta{c}@client.test");
        var due = c % dueEvery == 0;
        DunningCase? state = null;
        var stream = new List<object>();
        for (var i = 0; i < perCustomer; i++)
        {
            var dueDate = DateOnly.FromDateTime(runAt.UtcDateTime).AddDays(due && i == 0 ? 10 : 60 + i * 7);
            var decided = DunningCaseDecider.Decide(new AddInvoiceToCase("BENCH", customer, "EUR", $"F{c:D7}-{i:D2}", dueDate.AddDays(-30), dueDate,
                100m + i * 10, plan, "benchmark", clock.GetUtcNow()), state, policy, law);
            foreach (var e in decided) state = DunningCaseEvolution.Evolve(state, e);
            stream.AddRange(decided);
        }
        session.Events.StartStream(state!.Id, stream.ToArray());
        events += stream.Count;
    }
    await session.SaveChangesAsync();
    if ((start / batch) % 20 == 0) Console.Error.WriteLine($"seeded {Math.Min(start + batch, customers)} cases, {events} events ({seeding.Elapsed.TotalSeconds:0} s)");
}
Console.Error.WriteLine($"seeded {customers} cases, {customers * perCustomer} invoices, {events} events in {seeding.Elapsed.TotalSeconds:0.0} s");
await using (var vacuum = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString))
{
    await vacuum.OpenAsync();
    await new NpgsqlCommand("VACUUM ANALYZE", vacuum) { CommandTimeout = 0 }.ExecuteNonQueryAsync();
}

// The run.
clock.SetUtcNow(runAt);
var scheduler = app.Services.GetRequiredService<ReminderScheduler>();
var expected = (customers + dueEvery - 1) / dueEvery;
var memoryBefore = Process.GetCurrentProcess().WorkingSet64;
var run = Stopwatch.StartNew();
var appended = await scheduler.RunOnceAsync(CancellationToken.None);
run.Stop();

await using var query = store.QuerySession();
var requested = await query.Events.QueryRawEventDataOnly<ReminderRequested>().CountAsync();
var stillDue = await query.Query<DunningCase>().CountAsync(c => c.NextActionAt != null && c.NextActionAt <= runAt);
Console.WriteLine($"dunning run: {customers:N0} customers, {customers * perCustomer:N0} open invoices, {expected:N0} cases due: " +
    $"{run.Elapsed.TotalSeconds:0.0} s, {appended:N0} events appended, {requested:N0} reminders requested, {stillDue} cases still due, " +
    $"{expected / run.Elapsed.TotalSeconds:N0} cases/s, working set {Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024} MB (was {memoryBefore / 1024 / 1024} MB)");
var ok = requested == expected && stillDue == 0;
if (!ok) Console.Error.WriteLine($"FAILED: expected {expected} reminders requested and no case left due");
if (!args.Contains("--keep"))
{
    NpgsqlConnection.ClearAllPools();
    await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Database = "postgres" }.ConnectionString);
    await admin.OpenAsync();
    await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin).ExecuteNonQueryAsync();
}
return ok ? 0 : 1;
