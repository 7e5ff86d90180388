using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Relance.Benchmarking;

/// <summary>
/// One figure of the results table that <c>deploy/bench.sh</c> writes, measured beside its raw baseline. A benchmark
/// appends it as one JSON line to the file <c>RELANCE_BENCH_ROWS</c> names (nothing when unset, as when a benchmark runs
/// on its own). <see cref="Ratio"/> is always value / baseline; <see cref="RatioLabel"/> says it in words.
/// Linked as source into each benchmark project (tools/BenchRows), so that they all write the same shape.
/// </summary>
public sealed record BenchRow(
    string Section, string Figure, double? Value, string Unit, double? Baseline, string? BaselineLabel,
    string? RatioLabel, string? Target, bool? Met, string Command, string Notes)
{
    static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public double? Ratio => Value is { } v && Baseline is { } b && b != 0 ? Math.Round(v / b, 3) : null;

    /// <summary>"62 % of raw": for a rate, where more is better.</summary>
    public static string OfRawRate(double value, double baseline) =>
        string.Create(CultureInfo.InvariantCulture, $"{100 * value / baseline:0} % of raw");

    /// <summary>"2.1 × the raw time": for a duration, where less is better.</summary>
    public static string OfRawTime(double value, double baseline) =>
        string.Create(CultureInfo.InvariantCulture, $"{value / baseline:0.0#} × the raw time");

    /// <summary>Appended to the rows file, when there is one.</summary>
    public void Append()
    {
        if (Environment.GetEnvironmentVariable("RELANCE_BENCH_ROWS") is not { Length: > 0 } file) return;
        var line = JsonSerializer.Serialize(new
        {
            section = Section, figure = Figure, value = Round(Value), unit = Unit, baseline = Round(Baseline), baselineLabel = BaselineLabel,
            ratio = Ratio, ratioLabel = RatioLabel, target = Target, met = Met, command = Command, notes = Notes,
        }, Json);
        File.AppendAllText(file, line + "\n");
    }

    static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
