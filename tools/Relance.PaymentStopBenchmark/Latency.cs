namespace Relance.PaymentStopBenchmark;

/// <summary>Percentiles of a set of latencies, nearest rank.</summary>
sealed record Latency(int Count, double P50, double P95, double P99, double Max)
{
    public static Latency Of(IReadOnlyCollection<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0) throw new InvalidOperationException("no latency measured");
        double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Latency(sorted.Length, Rank(0.50), Rank(0.95), Rank(0.99), sorted[^1]);
    }

    public override string ToString() => $"p50 {P50:0} ms, p95 {P95:0} ms, p99 {P99:0} ms, max {Max:0} ms over {Count:N0}";
}

/// <summary>Sends at a steady rate: the i-th message not before start + i / rate.</summary>
static class Pace
{
    public static async Task Run(int count, double rate, Func<int, Task> send)
    {
        var started = DateTime.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var due = started + TimeSpan.FromSeconds(i / rate);
            var wait = due - DateTime.UtcNow;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            await send(i);
        }
    }
}
