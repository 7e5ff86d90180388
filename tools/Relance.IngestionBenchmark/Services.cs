using System.Globalization;

namespace Relance.IngestionBenchmark;

/// <summary>
/// The three service processes, watched through /proc (Linux): resident memory sampled every 200 ms, the kernel's own
/// high-water mark (VmHWM) at the end, and their processor time, to wait until they are idle between runs.
/// </summary>
sealed class Services : IAsyncDisposable
{
    public sealed record Process(string Name, int Pid)
    {
        public double IdleMb { get; set; }
        public double SampledPeakMb { get; set; }
    }

    readonly CancellationTokenSource stop = new();
    readonly Task sampling;

    public Services(IReadOnlyList<Process> processes)
    {
        Processes = processes;
        foreach (var p in processes) p.IdleMb = p.SampledPeakMb = StatusMb(p, "VmRSS");
        sampling = SampleAsync();
    }

    public IReadOnlyList<Process> Processes { get; }

    /// <summary>"Invoice:123,Reminder:456": the names and pids ingestion.sh started.</summary>
    public static Services Parse(string pids) => new(pids.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p =>
    {
        var parts = p.Split(':');
        return parts.Length == 2 && int.TryParse(parts[1], out var pid)
            ? new Process(parts[0], pid)
            : throw new BenchmarkException($"--pids: '{p}' is not Name:pid");
    }).ToList());

    /// <summary>The highest resident memory each process has had, by the kernel's count (VmHWM), in MB.</summary>
    public double HighWaterMb(Process p) => StatusMb(p, "VmHWM");

    /// <summary>Waits until the services together use under 10 % of a core for two seconds in a row (or <paramref name="atMost"/> passes); returns how long.</summary>
    public async Task<(TimeSpan Waited, bool Idle)> IdleAsync(TimeSpan atMost)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var quietSeconds = 0;
        var before = CpuSeconds();
        while (waited.Elapsed < atMost)
        {
            await Task.Delay(1000);
            var now = CpuSeconds();
            quietSeconds = now - before < 0.1 ? quietSeconds + 1 : 0;
            before = now;
            if (quietSeconds == 2) return (waited.Elapsed, true);
        }
        return (waited.Elapsed, false);
    }

    double CpuSeconds() => Processes.Sum(CpuSeconds);

    /// <summary>The processor time the process has used so far.</summary>
    public static double CpuSeconds(Process p)
    {
        // /proc/<pid>/stat: utime and stime are the 14th and 15th fields, in clock ticks (100 a second), after the ")" of the name.
        var stat = Read($"/proc/{p.Pid}/stat", p);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The processor time the whole machine has used so far, all cores (the first line of /proc/stat, less idle and iowait).</summary>
    public static double MachineBusySeconds()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (cpu.Take(8).Sum() - cpu[3] - cpu[4]) / 100.0; // user nice system idle iowait irq softirq steal
    }

    async Task SampleAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var p in Processes) p.SampledPeakMb = Math.Max(p.SampledPeakMb, StatusMb(p, "VmRSS"));
            try { await Task.Delay(200, stop.Token); }
            catch (OperationCanceledException) { }
        }
    }

    static double StatusMb(Process p, string field)
    {
        var line = Read($"/proc/{p.Pid}/status", p).Split('\n').FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            ?? throw new BenchmarkException($"/proc/{p.Pid}/status has no {field}");
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0; // kB
    }

    static string Read(string path, Process p)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { throw new BenchmarkException($"the {p.Name} service (pid {p.Pid}) is gone: it stopped during the benchmark"); }
    }

    /// <summary>Stops the sampling; the high-water marks can still be read.</summary>
    public async ValueTask DisposeAsync()
    {
        if (stop.IsCancellationRequested) return;
        await stop.CancelAsync();
        await sampling;
    }
}
