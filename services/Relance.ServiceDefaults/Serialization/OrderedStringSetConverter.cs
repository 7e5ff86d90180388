using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relance.ServiceDefaults.Serialization;

/// <summary>
/// Writes a set of strings in ordinal order. A hash set's order depends on the process's string hash seed, so the
/// same state stored by two processes gave two JSON arrays in two orders: documents that said the same thing without
/// being the same bytes. In order, a document rebuilt from its events (<c>relance projections rebuild</c>) is equal
/// to the stored one as PostgreSQL compares jsonb, and needs no closer look. Reading accepts any order.
/// </summary>
public sealed class OrderedStringSetConverter : JsonConverter<ImmutableHashSet<string>>
{
    public override ImmutableHashSet<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<List<string>>(ref reader, options)?.ToImmutableHashSet() ?? [];

    public override void Write(Utf8JsonWriter writer, ImmutableHashSet<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value.Order(StringComparer.Ordinal)) writer.WriteStringValue(item);
        writer.WriteEndArray();
    }
}
