using Relance.Testing;
using System.Reflection;
using System.Text.Json;
using Relance.Contracts.Erp;
using Relance.Contracts.Postal;
using Relance.InvoiceService.Integration.Incoming;
using Relance.ServiceDefaults;

namespace Relance.Invoice.Tests;

/// <summary>
/// contracts/schemas and contracts/asyncapi.yaml against the .NET contracts and the service's own validation:
/// a field added, renamed or dropped on one side and not the other fails here, and so does an example the
/// service would refuse.
/// </summary>
[Trait("Category", "Unit")]
public class ContractDriftTests
{
    static readonly string Contracts = Path.Combine(Repository.Root(), "contracts");

    // Every message an ERP reads or writes, by schema file: those of ErpTopology, so a message added there is checked here.
    public static TheoryData<string, Type> Messages()
    {
        var data = new TheoryData<string, Type>();
        foreach (var inbound in ErpTopology.Inbound) data.Add($"{inbound.RoutingKey}.schema.json", inbound.MessageType);
        foreach (var outbound in ErpTopology.Outbound) data.Add(outbound.SchemaFile, outbound.MessageType);
        // A postal provider's tracking and its answer (read by the Correspondence service, which checks the examples).
        data.Add(PostalTopology.LetterTrackedSchema, typeof(LetterTracked));
        data.Add(PostalTopology.TrackingRejectedSchema, typeof(LetterTrackingRejected));
        // Not an ERP's, but raw JSON from outside all the same: the mail system's bounces (checked by the Correspondence service).
        data.Add(Relance.Contracts.Correspondence.MailTopology.BouncedSchemaFile, typeof(Relance.Contracts.Correspondence.EmailBounced));
        return data;
    }

    [Fact]
    public void Every_exchange_carries_a_message_and_every_schema_describes_one()
    {
        var exchanges = typeof(ErpTopology).GetFields().Where(f => f.Name.EndsWith("Exchange") && f.Name != nameof(ErpTopology.InboundExchange))
            .Select(f => (string)f.GetValue(null)!).ToList();
        Assert.Equal(exchanges.Order(), ErpTopology.Outbound.Select(o => o.Exchange).Order());
        Assert.Equal(ErpTopology.Outbound.Count, ErpTopology.Outbound.Select(o => o.MessageType).Distinct().Count());
        var described = Messages().Select(row => (string)row[0]).ToHashSet();
        Assert.All(Directory.GetFiles(Path.Combine(Contracts, "schemas"), "*.schema.json").Select(Path.GetFileName),
            file => Assert.True(described.Contains(file!), $"{file} describes no message of ErpTopology"));
    }

    static JsonElement Schema(string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Contracts, "schemas", file))).RootElement;

    [Theory]
    [MemberData(nameof(Messages))]
    public void The_schema_has_exactly_the_fields_of_the_contract(string file, Type type)
    {
        var schema = Schema(file);
        var drift = new List<string>();
        Compare(schema, schema, type, "", drift);
        Assert.True(drift.Count == 0, $"{file} and {type.Name} differ:\n{string.Join("\n", drift)}");
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_example_reads_as_the_contract_and_an_inbound_one_is_accepted(string file, Type type)
    {
        var examples = Schema(file).GetProperty("examples").EnumerateArray().ToList();
        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            var message = example.Deserialize(type, JsonSerializerOptions.Web)!;
            var error = Record.Exception(() => Validate(message));
            Assert.True(error is null, $"{file}: the service refuses its example {example}: {error?.Message}");
        }
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void The_asyncapi_document_describes_the_message(string file, Type type)
    {
        var asyncApi = File.ReadAllText(Path.Combine(Contracts, "asyncapi.yaml"));
        Assert.Contains($"$ref: './schemas/{file}'", asyncApi);
        var inbound = ErpTopology.Inbound.SingleOrDefault(i => i.MessageType == type);
        if (inbound is not null) Assert.Contains($"address: {inbound.RoutingKey}", asyncApi);
        var outbound = ErpTopology.Outbound.SingleOrDefault(o => o.MessageType == type);
        if (outbound is not null) Assert.Contains($"address: {outbound.Exchange}", asyncApi);
    }

    [Fact]
    public void The_asyncapi_document_names_every_exchange()
    {
        var asyncApi = File.ReadAllText(Path.Combine(Contracts, "asyncapi.yaml"));
        foreach (var exchange in typeof(ErpTopology).GetFields().Where(f => f.Name.EndsWith("Exchange")).Select(f => (string)f.GetValue(null)!))
            Assert.Contains(exchange, asyncApi);
        foreach (var exchange in typeof(PostalTopology).GetFields().Where(f => f.Name.EndsWith("Exchange")).Select(f => (string)f.GetValue(null)!))
            Assert.Contains($"address: {exchange}", asyncApi);
    }

    static void Validate(object message)
    {
        var now = DateTimeOffset.UnixEpoch;
        switch (message)
        {
            case InvoiceIssued m: ErpMessageValidation.ToCommand(m, now); break;
            case InvoiceCorrected m: ErpMessageValidation.ToCommand(m, now); break;
            case InvoiceCancelled m: ErpMessageValidation.ToCommand(m, now); break;
            case CreditNoteIssued m: ErpMessageValidation.ToCommands(m, now); break;
            case PaymentReceived m: ErpMessageValidation.ToCommands(m, now); break;
        }
    }

    static void Compare(JsonElement root, JsonElement schema, Type type, string path, List<string> drift)
    {
        schema = Resolve(root, schema);
        var inSchema = PropertiesOf(root, schema);
        var inType = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.DeclaringType != typeof(object) && p.Name != "EqualityContract")
            .ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name), p => p.PropertyType);

        drift.AddRange(inSchema.Keys.Except(inType.Keys).Select(name => $"{path}{name}: in the schema, not in {type.Name}"));
        drift.AddRange(inType.Keys.Except(inSchema.Keys).Select(name => $"{path}{name}: in {type.Name}, not in the schema"));
        if (schema.TryGetProperty("required", out var required))
            drift.AddRange(required.EnumerateArray().Select(r => r.GetString()!).Except(inSchema.Keys).Select(name => $"{path}{name}: required but not described"));

        foreach (var (name, propertyType) in inType.Where(p => inSchema.ContainsKey(p.Key)))
        {
            var nested = Resolve(root, inSchema[name]);
            var element = ElementType(propertyType);
            if (element is not null && IsRecord(element) && nested.TryGetProperty("items", out var items))
                Compare(root, items, element, $"{path}{name}[].", drift);
            else if (IsRecord(propertyType))
                Compare(root, nested, Nullable.GetUnderlyingType(propertyType) ?? propertyType, $"{path}{name}.", drift);
        }
    }

    // Properties, including those of each oneOf/anyOf/allOf branch (payment.received has three forms).
    static Dictionary<string, JsonElement> PropertiesOf(JsonElement root, JsonElement schema)
    {
        var all = new Dictionary<string, JsonElement>();
        if (schema.TryGetProperty("properties", out var properties))
            foreach (var p in properties.EnumerateObject()) all[p.Name] = p.Value;
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
            if (schema.TryGetProperty(combinator, out var branches))
                foreach (var branch in branches.EnumerateArray())
                    foreach (var p in PropertiesOf(root, Resolve(root, branch))) all.TryAdd(p.Key, p.Value);
        return all;
    }

    static JsonElement Resolve(JsonElement root, JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference) && reference.GetString() is { } r && r.StartsWith("#/"))
            schema = r[2..].Split('/').Aggregate(root, (node, segment) => node.GetProperty(segment));
        return schema;
    }

    static Type? ElementType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;

    static bool IsRecord(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is { IsClass: true } t && t != typeof(string) && t.Namespace?.StartsWith("Relance.Contracts.", StringComparison.Ordinal) == true;
}
