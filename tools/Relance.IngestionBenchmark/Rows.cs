using System.Text.Encodings.Web;
using System.Text.Json;

namespace Relance.IngestionBenchmark;

/// <summary>One figure in the format every Relance benchmark writes (deploy/bench.sh makes one table of them).</summary>
sealed record Row(
    string Section, string Figure, double? Value, string Unit, double? Baseline, string? BaselineLabel,
    double? Ratio, string? RatioLabel, string? Target, bool? Met, string Command, string Notes);

static class Rows
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Appends the row, as one JSON line, to the file $RELANCE_BENCH_ROWS names (nothing when unset).</summary>
    public static void Write(Row row)
    {
        if (Environment.GetEnvironmentVariable("RELANCE_BENCH_ROWS") is { Length: > 0 } file)
            File.AppendAllText(file, JsonSerializer.Serialize(row, Json) + "\n");
    }
}
