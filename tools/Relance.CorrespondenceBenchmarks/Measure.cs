using System.Diagnostics;

namespace Relance.CorrespondenceBenchmarks;

/// <param name="Cpu">This process's processor time over the measure, all threads: with other loads on the machine, the
/// steadier figure of what one operation costs here.</param>
sealed record Measured(long Count, int Failures, TimeSpan Elapsed, TimeSpan Cpu, double P50Ms, double P99Ms, string? FirstError)
{
    public double PerSecond => Count / Elapsed.TotalSeconds;
    public double CpuMsEach => Cpu.TotalMilliseconds / Count;
}

static class Measure
{
    /// <summary>
    /// Runs <paramref name="workers"/> loops of <paramref name="operation"/> for <paramref name="warmUp"/> (not counted:
    /// JIT, tiered compilation, pools filled), then for <paramref name="duration"/>, timing each operation.
    /// </summary>
    public static async Task<Measured> Run(int workers, TimeSpan warmUp, TimeSpan duration, Func<Task> operation)
    {
        await Loop(workers, warmUp, operation, null);
        var latencies = new List<double>[workers];
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var (failures, error) = await Loop(workers, duration, operation, latencies);
        var elapsed = stopwatch.Elapsed;
        process.Refresh();
        cpu = process.TotalProcessorTime - cpu;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Measured(all.Length, failures, elapsed, cpu, Percentile(all, 0.50), Percentile(all, 0.99), error);
    }

    static async Task<(int Failures, string? Error)> Loop(int workers, TimeSpan duration, Func<Task> operation, List<double>[]? latencies)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var failures = 0;
        string? error = null;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = latencies is null ? null : latencies[w] = [];
            while (Stopwatch.GetTimestamp() < end)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await operation();
                    mine?.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failures);
                    error ??= $"{e.GetType().Name}: {e.Message}";
                    await Task.Delay(100);
                }
            }
        })));
        return (failures, error);
    }

    static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
