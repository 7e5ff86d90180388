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
