using System.Text.Json;

namespace Relance.PaymentStopBenchmark;

/// <summary>deploy/bench.sh's rows: one JSON object a line, appended to RELANCE_BENCH_ROWS when it is set.</summary>
static class Rows
{
    public static void Write(string? file, string section, string figure, double value, double baseline, bool? met, string notes)
    {
        if (file is null) return;
        var ratio = value / baseline;
        var row = new
        {
            section, figure, value = Math.Round(value, 1), unit = "ms", baseline = Math.Round(baseline, 1),
            baselineLabel = "RabbitMQ.Client consume + one Npgsql transaction closing the case row",
            ratio = Math.Round(ratio, 2), ratioLabel = $"{ratio:0.0} × the baseline's latency",
            target = figure.EndsWith("p99", StringComparison.Ordinal) ? "p99 < 1 s at 1,000 messages/s" : null,
            met, command = "bash deploy/bench.sh payment-stop", notes,
        };
        File.AppendAllText(file, JsonSerializer.Serialize(row) + "\n");
    }
}
