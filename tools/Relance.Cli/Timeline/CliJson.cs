using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relance.Cli.Timeline;

/// <summary>The tool's --json output: as the services' HTTP API writes it (camelCase, enums by name), indented.</summary>
static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Read by people too: accented names and '+' as they are, not as \u escapes.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Task WriteAsync<T>(TextWriter output, T value) => output.WriteLineAsync(JsonSerializer.Serialize(value, Options));
}

/// <summary>How the tool shows a moment to a French creditor's people: in Paris time.</summary>
static class Paris
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public static string Local(DateTimeOffset moment) => TimeZoneInfo.ConvertTime(moment, Zone).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A moment as given on the command line (ISO 8601; UTC when it names no offset).</summary>
    public static DateTimeOffset? Parse(string? given, string option) =>
        given is null ? null
        : DateTimeOffset.TryParse(given, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var moment) ? moment
        : throw new CliException($"{option} '{given}' is not a moment: give it as ISO 8601, e.g. 2026-05-14T09:00:00+02:00 (UTC when no offset is named).");
}
