using System.Globalization;
using System.Text.Json;

namespace Relance.ServiceDefaults.Audit.Timeline;

/// <summary>Reading the fields of a stored event (PascalCase JSON, as Marten stores the services' records).</summary>
public static class EventFields
{
    public static string? Str(this JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static decimal? Dec(this JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDecimal() : null;

    public static long? Int(this JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;

    public static bool Bool(this JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static JsonElement? Obj(this JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static IEnumerable<JsonElement> Items(this JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray() : [];

    /// <summary>
    /// The invoice numbers an event names: its InvoiceNumber, and those of its Invoices, LeftOut and Claims lists
    /// (numbers, or records with an InvoiceNumber), in order, each once.
    /// </summary>
    public static IReadOnlyList<string> InvoicesOf(JsonElement data)
    {
        var numbers = new List<string>();
        void Add(string? number)
        {
            if (!string.IsNullOrEmpty(number) && !numbers.Contains(number)) numbers.Add(number);
        }
        Add(data.Str("InvoiceNumber"));
        foreach (var list in (string[])["Invoices", "LeftOut", "Claims"])
            foreach (var item in data.Items(list))
                Add(item.ValueKind == JsonValueKind.String ? item.GetString() : item.Str("InvoiceNumber"));
        return numbers;
    }

    // Moments an event names that are not when it happened: deadlines, resumptions, call-backs.
    static readonly HashSet<string> NotWhen = ["NextNotBefore", "NotBefore", "DeadlineAt", "ResumesAt", "CallBackAt", "DueAt", "AwaitCorrectionUntil", "AwaitingCorrectionUntil"];

    /// <summary>
    /// When the event happened by the clock of the service that recorded it: its RecordedAt, else the one top-level
    /// moment it names (RequestedAt, SentAt, ApprovedAt, At…), leaving out deadlines and resumption times; none when it
    /// names no moment (the store's timestamp then tells). The services stamp their events with their clock (TimeProvider);
    /// the store's timestamp is when the row was written, the same moment in production but not under a test clock.
    /// </summary>
    public static DateTimeOffset? Moment(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object) return null;
        if (MomentOf(data, "RecordedAt") is { } recorded) return recorded;
        DateTimeOffset? found = null;
        string? foundName = null;
        foreach (var property in data.EnumerateObject())
        {
            if (!property.Name.EndsWith("At", StringComparison.Ordinal) || NotWhen.Contains(property.Name)) continue;
            // jsonb does not keep the order of keys: among several, the first by name, for a stable answer.
            if (MomentOf(data, property.Name) is { } moment && (foundName is null || string.CompareOrdinal(property.Name, foundName) < 0))
                (found, foundName) = (moment, property.Name);
        }
        return found;
    }

    static DateTimeOffset? MomentOf(JsonElement data, string name) =>
        data.Str(name) is { } text && text.Contains('T') && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var moment)
            ? moment : null;

    /// <summary>An amount as a French creditor's auditor reads it in English: 1,200.00 €.</summary>
    public static string Money(decimal amount, string? currency) =>
        amount.ToString("#,##0.00", CultureInfo.InvariantCulture) + " " + currency switch
        {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            null or "" => "",
            _ => currency,
        };
}
