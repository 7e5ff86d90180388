using System.Text.Json;
using System.Text.Json.Nodes;

namespace Relance.ServiceDefaults.Audit.PersonalData;

/// <summary>How a personal value is stored: a JSON string, or bytes in base64 (a PDF, a scan).</summary>
public enum PersonalValueKind { Text, Base64 }

/// <summary>One version of the rules: the personal values of each event type and of the documents not rebuilt from events.</summary>
public sealed record PersonalDataRuleSet(
    int Version,
    DateOnly From,
    IReadOnlyDictionary<string, IReadOnlyList<PersonalPath>> Events,
    IReadOnlyDictionary<string, PersonalDocument> Documents)
{
    static readonly IReadOnlyList<PersonalPath> None = [];

    /// <summary>The personal paths of an event type (Marten's name, e.g. <c>customer_recorded</c>); none for most.</summary>
    public IReadOnlyList<PersonalPath> ForEvent(string type) => Events.TryGetValue(type, out var paths) ? paths : None;

}

/// <summary>A kind of document kept beside the events (Marten table <c>relance.mt_doc_&lt;Table&gt;</c>) that holds a customer's personal data.</summary>
/// <param name="IdPattern">The id of a customer's document, with <c>{company}</c> and <c>{customer}</c>.</param>
public sealed record PersonalDocument(string Table, string IdPattern, IReadOnlyList<PersonalPath> Paths)
{
    public string IdOf(string companyId, string customerId) => IdPattern.Replace("{company}", companyId).Replace("{customer}", customerId);
}

/// <summary>A JSON pointer whose segments may be <c>*</c> (any array index).</summary>
public sealed record PersonalPath(string Pattern, PersonalValueKind Kind)
{
    readonly string[] _segments = Pattern.Split('/')[1..];

    /// <summary>Every string value the pattern reaches in <paramref name="root"/>, with its concrete pointer.</summary>
    public IEnumerable<PersonalValue> Find(JsonNode? root) => Walk(root, 0, "");

    IEnumerable<PersonalValue> Walk(JsonNode? node, int depth, string pointer)
    {
        if (node is null) yield break;
        if (depth == _segments.Length)
        {
            if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                yield return new PersonalValue(pointer, value.GetValue<string>(), Kind, replacement => node.ReplaceWith(replacement));
            yield break;
        }
        var segment = _segments[depth];
        switch (node)
        {
            case JsonArray array when segment == "*":
                for (var i = 0; i < array.Count; i++)
                    foreach (var found in Walk(array[i], depth + 1, $"{pointer}/{i}")) yield return found;
                break;
            case JsonObject obj when obj.TryGetPropertyValue(segment, out var child):
                foreach (var found in Walk(child, depth + 1, $"{pointer}/{segment}")) yield return found;
                break;
        }
    }
}

/// <summary>A personal value found in a JSON document: where, what, and how to replace it in place.</summary>
public sealed record PersonalValue(string Pointer, string Value, PersonalValueKind Kind, Action<string> Replace);

/// <summary>
/// The dated, versioned rules of Relance's personal data (personal-data.json, embedded): which values of which event
/// types are a debtor's contact details or the content sent to it, and the limitation period after which they are erased.
/// </summary>
public static class PersonalDataRules
{
    static readonly Lazy<(IReadOnlyList<PersonalDataRuleSet> Versions, IReadOnlyList<LimitationPeriod> Limitation)> Loaded = new(Load);

    public static IReadOnlyList<PersonalDataRuleSet> Versions => Loaded.Value.Versions;

    /// <summary>The version the sealer applies to the events it seals now.</summary>
    public static PersonalDataRuleSet Current => Versions[^1];

    public static PersonalDataRuleSet Version(int version) =>
        Versions.FirstOrDefault(v => v.Version == version)
        ?? throw new InvalidOperationException($"No personal-data rules version {version}: this build knows versions {string.Join(", ", Versions.Select(v => v.Version))}.");

    /// <summary>The limitation period in force on a date (the latest one that started on or before it).</summary>
    public static LimitationPeriod LimitationOn(DateOnly date) =>
        Loaded.Value.Limitation.Where(l => l.From <= date).OrderBy(l => l.From).LastOrDefault()
        ?? throw new InvalidOperationException($"No limitation period is known for {date:yyyy-MM-dd}.");

    static (IReadOnlyList<PersonalDataRuleSet>, IReadOnlyList<LimitationPeriod>) Load()
    {
        using var stream = typeof(PersonalDataRules).Assembly.GetManifestResourceStream("Relance.PersonalData.json")
            ?? throw new InvalidOperationException("The embedded personal-data rules (Audit/PersonalData/personal-data.json) are missing.");
        var root = JsonNode.Parse(stream)!;
        var versions = root["versions"]!.AsArray().Select(v => new PersonalDataRuleSet(
            v!["version"]!.GetValue<int>(),
            DateOnly.Parse(v["from"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            Paths(v["events"]),
            Documents(v["documents"]))).OrderBy(v => v.Version).ToList();
        var limitation = root["limitation"]!.AsArray().Select(l => new LimitationPeriod(
            DateOnly.Parse(l!["from"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            l["years"]!.GetValue<int>(), l["basis"]!.GetValue<string>())).ToList();
        return (versions, limitation);
    }

    static Dictionary<string, IReadOnlyList<PersonalPath>> Paths(JsonNode? byType) =>
        byType?.AsObject().Where(t => !t.Key.StartsWith('$')).ToDictionary(t => t.Key, t => PathsOf(t.Value)) ?? [];

    static Dictionary<string, PersonalDocument> Documents(JsonNode? byTable) =>
        byTable?.AsObject().Where(t => !t.Key.StartsWith('$')).ToDictionary(
            t => t.Key, t => new PersonalDocument(t.Key, t.Value!["id"]!.GetValue<string>(), PathsOf(t.Value["paths"]))) ?? [];

    static IReadOnlyList<PersonalPath> PathsOf(JsonNode? paths) =>
        [.. paths!.AsObject().Select(p => new PersonalPath(p.Key, p.Value!.GetValue<string>() switch
        {
            "text" => PersonalValueKind.Text,
            "base64" => PersonalValueKind.Base64,
            var other => throw new InvalidOperationException($"personal-data.json: {p.Key} is '{other}', neither text nor base64"),
        }))];
}

/// <summary>After <paramref name="Years"/> without activity a customer's personal data is erased; <paramref name="Basis"/> says why.</summary>
public sealed record LimitationPeriod(DateOnly From, int Years, string Basis);
