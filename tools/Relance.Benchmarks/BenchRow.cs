using System.Text.Encodings.Web;
using System.Text.Json;

namespace Relance.Benchmarks;

/// <summary>
/// One figure of the results table deploy/bench.sh makes, beside its raw baseline: appended as one JSON line to the
/// file RELANCE_BENCH_ROWS names (nothing when unset). Ratio is always value / baseline.
/// </summary>
public sealed record BenchRow(
    string Section, string Figure, double? Value, string Unit, double? Baseline, string? BaselineLabel,
    string? RatioLabel, string? Target, bool? Met, string Command, string Notes)
{
    static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public double? Ratio => Value is { } v && Baseline is { } b && b != 0 ? Math.Round(v / b, 3) : null;

    public void Append()
    {
        if (Environment.GetEnvironmentVariable("RELANCE_BENCH_ROWS") is not { Length: > 0 } file) return;
        File.AppendAllText(file, JsonSerializer.Serialize(new
        {
            section = Section, figure = Figure, value = Round(Value), unit = Unit, baseline = Round(Baseline), baselineLabel = BaselineLabel,
            ratio = Ratio, ratioLabel = RatioLabel, target = Target, met = Met, command = Command, notes = Notes,
        }, Json) + "\n");
    }

    static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
