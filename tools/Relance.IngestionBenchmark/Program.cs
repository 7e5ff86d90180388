using System.Globalization;
using Npgsql;
using Relance.Benchmarking;
using Relance.ErpSimulator;
using Relance.IngestionBenchmark;

const string Usage = """
    relance-ingestion-benchmark: ERP invoices ingested by Relance end to end against RabbitMQ.Client + batched Npgsql,
    and the services' peak memory meanwhile. Run by tools/Relance.IngestionBenchmark/ingestion.sh, which starts the
    services; see there.

      relance-ingestion-benchmark --rabbitmq URI --invoice-db CS --raw-db CS --pids Invoice:PID,Reminder:PID,Correspondence:PID
                                  [--invoices 20000] [--customers 2000] [--warmup 1000] [--runs 2] [--timeout 300]
                                  [--command "what to write in the rows"]

    Writes one row per figure to $RELANCE_BENCH_ROWS when set. Exit code 0 when every count was right, 1 when one
    was wrong or a run timed out.
    """;

if (args.Length == 0 || args.Contains("--help"))
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];
string Text(string name) => options.GetValueOrDefault(name) ?? throw new BenchmarkException($"--{name} is required (see --help)");
int Integer(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
try
{
    var broker = Text("rabbitmq");
    var invoices = Integer("invoices", 20_000);
    var customers = Integer("customers", 2_000);
    var warmup = Integer("warmup", 1_000);
    var runs = Integer("runs", 2);
    var timeout = TimeSpan.FromSeconds(Integer("timeout", 300));
    var command = options.GetValueOrDefault("command") ?? "bash tools/Relance.IngestionBenchmark/ingestion.sh";
    await using var invoiceDb = NpgsqlDataSource.Create(Text("invoice-db"));
    await using var rawDb = NpgsqlDataSource.Create(Text("raw-db"));
    await using var services = Services.Parse(Text("pids"));

    // Each run its own company, so that every invoice is new to Relance; the raw run k gets the same bytes as Relance's run k.
    var stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
    Payload Make(string company, int count, int seed)
    {
        var (ids, bodies) = Bulk.Prepare(new Bulk.Settings(count, Math.Min(customers, count), company, null, timeout, 4, seed));
        return new Payload(company, ids, bodies);
    }
    var relance = new RelanceRun(broker, invoiceDb, timeout);
    var raw = new RawRun(broker, rawDb, timeout);

    Console.WriteLine($"ingestion: {invoices:N0} invoices over {customers:N0} customers, {runs} runs each, alternating; load average {load}");
    Console.WriteLine($"ingestion: idle RSS {string.Join(", ", services.Processes.Select(p => $"{p.Name} {p.IdleMb:0} MB"))}");
    if (warmup > 0)
    {
        Console.WriteLine($"warm-up: {warmup} invoices each way");
        var warm = Make($"BENCH-{stamp}-W", warmup, 41);
        await relance.RunAsync(warm);
        await raw.RunAsync(warm);
    }

    var relanceRates = new List<double>();
    var rawRates = new List<double>();
    var waits = new List<string>();
    async Task SettleAsync()
    {
        // What the services still do from the previous run (the Reminder service's cases) must not slow the next one.
        var (waited, idle) = await services.IdleAsync(TimeSpan.FromSeconds(120));
        waits.Add($"{waited.TotalSeconds:0}{(idle ? "" : "+ (not idle)")}");
        Console.WriteLine($"  services idle after {waited.TotalSeconds:0} s{(idle ? "" : " (still busy: measuring anyway)")}");
    }
    for (var run = 1; run <= runs; run++)
    {
        var payload = Make($"BENCH-{stamp}-R{run}", invoices, 42 + run);
        await SettleAsync();
        Console.WriteLine($"Relance run {run}: {invoices:N0} invoices, company {payload.Company}");
        var cpuBefore = services.Processes.Select(Services.CpuSeconds).ToList();
        var machineBefore = Services.MachineBusySeconds();
        var r = await relance.RunAsync(payload);
        relanceRates.Add(r.Rate);
        Console.WriteLine($"Relance run {run}: {r.Rate:0} invoices/s ({r.Elapsed.TotalSeconds:0.0} s)");
        // Where the processor time went, per 1,000 invoices: what limits the figure on a machine this small.
        var machine = Services.MachineBusySeconds() - machineBefore;
        Console.WriteLine($"  CPU per 1,000 invoices: {string.Join(", ", services.Processes.Select((p, i) => $"{p.Name} {(Services.CpuSeconds(p) - cpuBefore[i]) * 1000 / invoices:0.0} s"))}; "
            + $"whole machine {machine * 1000 / invoices:0.0} s ({machine / r.Elapsed.TotalSeconds / Environment.ProcessorCount * 100:0} % of its {Environment.ProcessorCount} cores busy)");
        await SettleAsync();
        var b = await raw.RunAsync(payload);
        rawRates.Add(b.Rate);
        Console.WriteLine($"raw run {run}: {b.Rate:0} invoices/s ({b.Elapsed.TotalSeconds:0.0} s)");
    }
    await SettleAsync(); // the Reminder service's work on the last run counts in its peak

    var relanceRate = Median(relanceRates);
    var rawRate = Median(rawRates);
    var ratio = relanceRate / rawRate;
    var runsText = $"Relance {string.Join(" / ", relanceRates.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}, raw {string.Join(" / ", rawRates.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))} invoices/s";
    var context = $"{invoices:N0} invoices over {customers:N0} customers, median of {runs} alternating runs ({runsText}); load before {load}";
    new BenchRow("ingestion", "ERP invoices ingested end to end (published → stored → announced)",
        relanceRate, "invoices/s", rawRate, "RabbitMQ.Client consume + batched Npgsql insert",
        BenchRow.OfRawRate(relanceRate, rawRate), "≥ 60 % of raw", ratio >= 0.6, command,
        context + "; the three services running, announced = InvoiceRegistered published").Append();

    Console.WriteLine();
    Console.WriteLine($"ingestion: Relance {relanceRate:0} invoices/s end to end, raw {rawRate:0} invoices/s: {ratio * 100:0} % of raw (target ≥ 60 %) [{runsText}]");
    await services.DisposeAsync();
    foreach (var p in services.Processes)
    {
        var peak = services.HighWaterMb(p);
        new BenchRow("memory", $"{p.Name} service peak memory under the ingestion load", peak, "MB",
            p.IdleMb, "idle RSS after start", $"{peak / p.IdleMb:0.0} × idle",
            "< 300 MB RSS", peak < 300, command,
            $"VmHWM of the process; sampled peak RSS {p.SampledPeakMb:0} MB (every 200 ms); {context}").Append();
        Console.WriteLine($"memory: {p.Name,-14} peak {peak,4:0} MB (VmHWM; sampled peak RSS {p.SampledPeakMb:0} MB), idle {p.IdleMb:0} MB: {(peak < 300 ? "< 300 MB" : "OVER 300 MB")}");
    }
    Console.WriteLine($"ingestion: waits for the services to be idle before each run: {string.Join(", ", waits)} s");
    return 0;
}
catch (BenchmarkException e)
{
    Console.WriteLine($"ingestion: FAILED: {e.Message}");
    return 1;
}
catch (Exception e) when (e is NpgsqlException or RabbitMQ.Client.Exceptions.RabbitMQClientException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
{
    // PostgreSQL or RabbitMQ refused (e.g. no connection slot left on a shared server): no figure, and no wrong count either.
    Console.WriteLine($"ingestion: could not run: {e.GetType().Name}: {e.Message}");
    return 2;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

namespace Relance.IngestionBenchmark
{
    /// <summary>One run's messages: the ERP simulator's first load of <paramref name="Company"/>.</summary>
    sealed record Payload(string Company, string[] Ids, byte[][] Bodies);
}
