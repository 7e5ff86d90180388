using System.Text.Json;

namespace Relance.Cli.Rebuilding;

/// <summary>One document id as the store holds it and as its events rebuild it (null: absent on that side).</summary>
public sealed record DocumentPair(string Id, string? Stored, string? Rebuilt);

/// <summary>A stored document whose content differs from its rebuild: where first (a JSON path), and both values there.</summary>
public sealed record ChangedDocument(string Id, string Path, string? Stored, string? Rebuilt);

/// <summary>
/// How a projection's stored documents compare with the documents its events rebuild. Missing: the events make a
/// document the store lacks. Extra: the store holds a document no event makes.
/// </summary>
public sealed record ProjectionComparison(long Identical, IReadOnlyList<ChangedDocument> Changed, IReadOnlyList<string> Missing, IReadOnlyList<string> Extra)
{
    public bool Matches => Changed.Count == 0 && Missing.Count == 0 && Extra.Count == 0;
}

/// <summary>
/// Compares documents by content (JSON equality: key order and spacing do not count; Marten's metadata columns are
/// not part of the content). Pure: the rebuild feeds it the pairs PostgreSQL found distinct, and how many it found equal.
/// Given the document's .NET type, a member that is a set (ImmutableHashSet, HashSet…) compares without order: a hash
/// set serializes in an order that changes from one process to the next (string hashes are randomized), so the same
/// set is stored as differently ordered arrays, and only its elements mean anything.
/// </summary>
public static class DocumentComparison
{
    const int ShownValueLength = 120;

    public static ProjectionComparison Compare(IEnumerable<DocumentPair> pairs, long identicalAlready = 0, Type? documentType = null)
    {
        var identical = identicalAlready;
        var changed = new List<ChangedDocument>();
        var missing = new List<string>();
        var extra = new List<string>();
        foreach (var pair in pairs)
        {
            switch (pair)
            {
                case { Stored: null, Rebuilt: null }: break;
                case { Stored: null }: missing.Add(pair.Id); break;
                case { Rebuilt: null }: extra.Add(pair.Id); break;
                default:
                    using (var stored = JsonDocument.Parse(pair.Stored))
                    using (var rebuilt = JsonDocument.Parse(pair.Rebuilt))
                    {
                        if (FirstDifference(stored.RootElement, rebuilt.RootElement, documentType) is not { } difference) identical++;
                        else changed.Add(new ChangedDocument(pair.Id, difference.Path, Shown(difference.Stored), Shown(difference.Rebuilt)));
                    }
                    break;
            }
        }
        changed.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        missing.Sort(string.CompareOrdinal);
        extra.Sort(string.CompareOrdinal);
        return new ProjectionComparison(identical, changed, missing, extra);
    }

    /// <summary>
    /// The first place (depth first, in the stored document's key order) where two JSON values differ; null if equal.
    /// <paramref name="type"/>: the .NET type the value was serialized from, when known (it tells which arrays are sets).
    /// </summary>
    public static (string Path, JsonElement? Stored, JsonElement? Rebuilt)? FirstDifference(JsonElement stored, JsonElement rebuilt, Type? type = null, string path = "$")
    {
        if (stored.ValueKind != rebuilt.ValueKind) return (path, stored, rebuilt);
        switch (stored.ValueKind)
        {
            case JsonValueKind.Object:
                var rebuiltProperties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in rebuilt.EnumerateObject()) rebuiltProperties[property.Name] = property.Value;
                foreach (var property in stored.EnumerateObject())
                {
                    var at = $"{path}.{property.Name}";
                    if (!rebuiltProperties.Remove(property.Name, out var other)) return (at, property.Value, null);
                    if (FirstDifference(property.Value, other, MemberType(type, property.Name), at) is { } inside) return inside;
                }
                foreach (var (name, value) in rebuiltProperties) return ($"{path}.{name}", null, value);
                return null;
            case JsonValueKind.Array when IsSet(type):
                var storedElements = stored.EnumerateArray().Select(e => e.GetRawText()).Order(StringComparer.Ordinal).ToList();
                var rebuiltElements = rebuilt.EnumerateArray().Select(e => e.GetRawText()).Order(StringComparer.Ordinal).ToList();
                return storedElements.SequenceEqual(rebuiltElements, StringComparer.Ordinal) ? null : (path, stored, rebuilt);
            case JsonValueKind.Array:
                var storedItems = stored.EnumerateArray().ToList();
                var rebuiltItems = rebuilt.EnumerateArray().ToList();
                var itemType = ElementType(type);
                for (var i = 0; i < Math.Max(storedItems.Count, rebuiltItems.Count); i++)
                {
                    var at = $"{path}[{i}]";
                    if (i >= storedItems.Count) return (at, null, rebuiltItems[i]);
                    if (i >= rebuiltItems.Count) return (at, storedItems[i], null);
                    if (FirstDifference(storedItems[i], rebuiltItems[i], itemType, at) is { } inside) return inside;
                }
                return null;
            default:
                return JsonElement.DeepEquals(stored, rebuilt) ? null : (path, stored, rebuilt);
        }
    }

    /// <summary>The type of a JSON object's member: a property or field of that name, or a dictionary's value type.</summary>
    static Type? MemberType(Type? type, string name)
    {
        if (type is null) return null;
        if ((GenericInterface(type, typeof(IReadOnlyDictionary<,>)) ?? GenericInterface(type, typeof(IDictionary<,>))) is { } dictionary)
            return dictionary.GetGenericArguments()[1];
        const System.Reflection.BindingFlags Members = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase;
        return type.GetProperty(name, Members)?.PropertyType ?? type.GetField(name, Members)?.FieldType;
    }

    static Type? ElementType(Type? type) =>
        type is null ? null : type.IsArray ? type.GetElementType() : GenericInterface(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];

    static bool IsSet(Type? type) =>
        type is not null && (GenericInterface(type, typeof(ISet<>)) ?? GenericInterface(type, typeof(IReadOnlySet<>))) is not null;

    static Type? GenericInterface(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    static string? Shown(JsonElement? value)
    {
        if (value is not { } element) return null;
        var text = element.GetRawText();
        return text.Length <= ShownValueLength ? text : text[..ShownValueLength] + "…";
    }
}
