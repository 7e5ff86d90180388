using System.Text.Json;
using System.Text.Json.Nodes;
using Relance.Contracts.Erp;

namespace Relance.Integration.Tests.Drills;

/// <summary>A message the contract refuses, with what was wrong with it (for the drill's counts).</summary>
public sealed record BadMessage(string RoutingKey, string Body, string Category, string What);

/// <summary>
/// Generates ERP messages the contract (contracts/README.md) refuses, from valid samples of each kind, deterministically
/// for a seed: bodies that are not a JSON object, and valid samples with one field made wrong (removed, null, of the wrong
/// type, a negative or zero amount, an unknown currency, an oversized text, an impossible date, an unknown value). Only
/// changes the contract says are refused: an optional field is never removed, nor a required one replaced by something
/// that could pass.
/// </summary>
public sealed class MalformedMessages(int seed)
{
    readonly Random _random = new(seed);
    int _made;

    const string Missing = "\u0000missing";

    enum Shape { Identifier, Text, Email, Date, Amount, Currency, Choice, List, Object }

    sealed record Field(string Path, Shape Shape, bool Optional = false);

    sealed record Kind(string RoutingKey, Func<int, JsonObject> Sample, Field[] Fields);

    static JsonObject Json(object value) => JsonSerializer.SerializeToNode(value, JsonSerializerOptions.Web)!.AsObject();

    static readonly Kind[] Kinds =
    [
        new(ErpTopology.InvoiceIssuedRoutingKey, n => Json(new
        {
            companyId = "ACME", invoiceNumber = $"F-BAD-{n}",
            customer = new { customerId = "C-BAD", name = "Dupont SARL", email = "compta@dupont.example" },
            issueDate = "2026-09-01", dueDate = "2026-10-01", amountExcludingVat = 1000.00m, amountIncludingVat = 1200.00m, currency = "EUR",
            paymentTerms = new { days = 30, endOfMonth = false }, paymentClause = "Paiement à 30 jours date de facture (CGV, article 7).",
            latePenaltyRatePercent = 12.0m,
            documents = new[] { new { kind = "invoice", name = $"F-BAD-{n}.pdf", mediaType = "application/pdf", url = $"https://erp.example/F-BAD-{n}.pdf" } },
        }),
        [
            new("companyId", Shape.Identifier), new("invoiceNumber", Shape.Identifier), new("customer", Shape.Object),
            new("customer.customerId", Shape.Identifier), new("customer.name", Shape.Text), new("customer.email", Shape.Email),
            new("issueDate", Shape.Date), new("dueDate", Shape.Date), new("amountExcludingVat", Shape.Amount),
            new("amountIncludingVat", Shape.Amount), new("currency", Shape.Currency),
            new("paymentClause", Shape.Text, Optional: true), new("documents.0.kind", Shape.Choice),
            new("documents.0.url", Shape.Text), new("documents", Shape.List, Optional: true),
        ]),
        new(ErpTopology.InvoiceCorrectedRoutingKey, n => Json(new
        {
            companyId = "ACME", invoiceNumber = $"F-BAD-{n}", correctionId = $"K-{n}", dueDate = "2026-10-15",
            amountExcludingVat = 900.00m, amountIncludingVat = 1080.00m, reason = "remise commerciale accordée",
        }),
        [
            new("companyId", Shape.Identifier), new("invoiceNumber", Shape.Identifier), new("correctionId", Shape.Identifier),
            new("dueDate", Shape.Date), new("amountExcludingVat", Shape.Amount), new("amountIncludingVat", Shape.Amount), new("reason", Shape.Text),
        ]),
        new(ErpTopology.InvoiceCancelledRoutingKey, n => Json(new { companyId = "ACME", invoiceNumber = $"F-BAD-{n}", reason = "facture émise en double" }),
            [new("companyId", Shape.Identifier), new("invoiceNumber", Shape.Identifier), new("reason", Shape.Text)]),
        new(ErpTopology.CreditNoteIssuedRoutingKey, n => Json(new
        {
            companyId = "ACME", creditNoteNumber = $"AV-BAD-{n}", customerId = "C-BAD", issueDate = "2026-10-20", currency = "EUR",
            allocations = new[] { new { invoiceNumber = $"F-BAD-{n}", amount = 100.00m } },
        }),
        [
            new("companyId", Shape.Identifier), new("creditNoteNumber", Shape.Identifier), new("customerId", Shape.Identifier),
            new("issueDate", Shape.Date), new("currency", Shape.Currency), new("allocations", Shape.List),
            new("allocations.0.invoiceNumber", Shape.Identifier), new("allocations.0.amount", Shape.Amount),
        ]),
        new(ErpTopology.PaymentReceivedRoutingKey, n => Json(new
        {
            companyId = "ACME", paymentId = $"PAY-BAD-{n}", invoiceNumber = $"F-BAD-{n}", amount = 1200.00m, currency = "EUR", receivedOn = "2026-10-20",
        }),
        [
            new("companyId", Shape.Identifier), new("paymentId", Shape.Identifier), new("invoiceNumber", Shape.Identifier),
            new("amount", Shape.Amount), new("currency", Shape.Currency), new("receivedOn", Shape.Date),
        ]),
        new(ErpTopology.DisputeOpenedRoutingKey, n => Json(new
        {
            companyId = "ACME", invoiceNumber = $"F-BAD-{n}", disputeId = $"LIT-{n}", reason = "not-received",
            comment = "Le client dit ne jamais l'avoir reçue.", openedOn = "2026-10-05",
        }),
        [
            new("companyId", Shape.Identifier), new("invoiceNumber", Shape.Identifier), new("disputeId", Shape.Identifier),
            new("reason", Shape.Choice), new("comment", Shape.Text, Optional: true), new("openedOn", Shape.Date),
        ]),
        new(ErpTopology.DisputeClosedRoutingKey, n => Json(new
        {
            companyId = "ACME", invoiceNumber = $"F-BAD-{n}", disputeId = $"LIT-{n}", resolution = "invoice-resent", closedOn = "2026-10-07",
        }),
        [
            new("companyId", Shape.Identifier), new("invoiceNumber", Shape.Identifier), new("disputeId", Shape.Identifier),
            new("resolution", Shape.Choice), new("closedOn", Shape.Date),
        ]),
        new(ErpTopology.EInvoicingStatusRoutingKey, n => Json(new
        {
            companyId = "ACME", invoiceNumber = $"F-BAD-{n}", statusId = $"PDP-{n}", status = "Encaissée", statusDate = "2026-10-20", amount = 1200.00m, currency = "EUR",
        }),
        [
            new("companyId", Shape.Identifier), new("invoiceNumber", Shape.Identifier), new("statusId", Shape.Identifier),
            new("status", Shape.Text), new("statusDate", Shape.Date), new("amount", Shape.Amount, Optional: true), new("currency", Shape.Currency),
        ]),
        new(ErpTopology.CustomerUpsertedRoutingKey, n => Json(new
        {
            companyId = "ACME", customerId = $"C-BAD-{n}", legalName = "Dupont SARL", siren = "732829320",
            addresses = new[] { new { kind = "billing", lines = new[] { "12 rue des Lilas" }, postalCode = "69003", city = "Lyon", country = "FR" } },
            contacts = new[] { new { role = "billing", name = "Service comptabilité", email = "compta@dupont.example", phone = "+33 4 78 00 00 00" } },
            preferredLanguage = "fr", preferredChannel = "email",
        }),
        [
            new("companyId", Shape.Identifier), new("customerId", Shape.Identifier), new("legalName", Shape.Text),
            new("contacts.0.role", Shape.Choice), new("contacts.0.name", Shape.Text), new("contacts.0.email", Shape.Email, Optional: true),
            new("addresses.0.country", Shape.Choice), new("addresses.0.lines", Shape.List),
            new("preferredLanguage", Shape.Choice, Optional: true), new("preferredChannel", Shape.Choice, Optional: true),
        ]),
    ];

    /// <summary>Wrong values for a field of that shape, each with its category. For an optional field, none that means "absent".</summary>
    static IEnumerable<(object? Value, string Category)> WrongValues(Shape shape, bool optional)
    {
        var absent = new (object?, string)[] { (Missing, "missing field"), (null, "missing field") };
        IEnumerable<(object?, string)> values = shape switch
        {
            Shape.Identifier => [.. absent, ("", "missing field"), ("   ", "missing field"), ("ACME/../X", "invalid value"), (new string('x', 201), "oversized field"),
                (42, "wrong type"), (true, "wrong type"), (new JsonObject(), "wrong type"), (new JsonArray(), "wrong type")],
            Shape.Text => [.. absent, ("", "missing field"), (" ", "missing field"), (new string('é', 4_001), "oversized field"), (7, "wrong type"), (false, "wrong type"), (new JsonArray("a"), "wrong type")],
            Shape.Email => [.. absent, ("", "missing field"), ("compta at dupont", "invalid value"), ("compta@", "invalid value"), ("@dupont.example", "invalid value"), (12, "wrong type")],
            Shape.Date => [.. absent, ("", "wrong type"), ("2026-13-45", "invalid value"), ("2026-02-30", "invalid value"), ("le 3 mars", "wrong type"), (20260301, "wrong type"), (true, "wrong type")],
            Shape.Amount => [.. absent, (-1200m, "negative amount"), (-0.01m, "negative amount"), (0m, "negative amount"), (12.345m, "invalid value"),
                ("douze cents", "wrong type"), (true, "wrong type"), (new JsonArray(), "wrong type"), (JsonNode.Parse("1e40"), "oversized field")],
            Shape.Currency => [.. absent, ("", "missing field"), ("EURO", "unknown currency"), ("€", "unknown currency"), ("E1R", "unknown currency"), ("eu", "unknown currency"), ("ZZZ", "unknown currency"), ("XBT", "unknown currency"), (978, "wrong type")],
            Shape.Choice => [.. absent, ("", "missing field"), ("peut-être", "invalid value"), (3, "wrong type")],
            Shape.List => [.. absent, (new JsonArray(), "missing field"), ("tout", "wrong type"), (5, "wrong type")],
            _ => [.. absent, ("Dupont", "wrong type"), (42, "wrong type"), (new JsonArray(), "wrong type")],
        };
        // An optional field may be absent, null or blank; a list of them may be empty.
        return optional ? values.Where(v => v.Item2 != "missing field") : values;
    }

    static readonly string[] NotAnObject =
        ["", " ", "null", "[]", "[1,2,3]", "42", "true", "\"a string\"", "{", "}", "{'companyId':'ACME'}", "<invoice/>", "companyId=ACME&invoiceNumber=F-1",
         "{\"companyId\": NaN}", "{\"companyId\":\"ACME\",}", "{\"companyId\" \"ACME\"}", new string('[', 200) + new string(']', 200)];

    public BadMessage Next()
    {
        var n = ++_made;
        var kind = Kinds[_random.Next(Kinds.Length)];
        var roll = _random.NextDouble();
        if (roll < 0.12)
        {
            var body = NotAnObject[_random.Next(NotAnObject.Length)];
            return new(kind.RoutingKey, body, "not a JSON object", $"body {Shorten(body)}");
        }
        var sample = kind.Sample(n).ToJsonString(JsonSerializerOptions.Web);
        if (roll < 0.25)
        {
            // Cut anywhere inside the object, or followed by something: never a whole JSON document.
            var cut = _random.Next(1, sample.Length - 1);
            return _random.Next(2) == 0
                ? new(kind.RoutingKey, sample[..cut], "invalid JSON", $"cut at {cut}")
                : new(kind.RoutingKey, sample + "}", "invalid JSON", "trailing brace");
        }
        var message = kind.Sample(n);
        var field = kind.Fields[_random.Next(kind.Fields.Length)];
        var wrong = WrongValues(field.Shape, field.Optional).ToList();
        var (value, category) = wrong[_random.Next(wrong.Count)];
        // Now and then a field of a megabyte: the broker and the service must take it and refuse it like any other.
        if (category == "oversized field" && value is string && n % 1000 == 0) value = new string('x', 1_000_000);
        Set(message, field.Path, value);
        return new(kind.RoutingKey, message.ToJsonString(JsonSerializerOptions.Web), category, $"{field.Path} = {Shorten(value is null ? "null" : value == (object)Missing ? "(absent)" : JsonSerializer.Serialize(value))}");
    }

    static string Shorten(string text) => text.Length > 40 ? $"{text[..40]}… ({text.Length} chars)" : text;

    static void Set(JsonObject message, string path, object? value)
    {
        var steps = path.Split('.');
        JsonNode parent = message;
        foreach (var step in steps[..^1]) parent = int.TryParse(step, out var i) ? parent[i]! : parent[step]!;
        var last = steps[^1];
        var node = value switch
        {
            null => null,
            JsonNode json => json.DeepClone(),
            _ => JsonSerializer.SerializeToNode(value, JsonSerializerOptions.Web),
        };
        if (parent is JsonObject obj)
        {
            if (value is string s && s == Missing) obj.Remove(last);
            else obj[last] = node;
        }
        else if (value is string s && s == Missing) parent.AsArray().RemoveAt(int.Parse(last));
        else parent[int.Parse(last)] = node;
    }
}
