using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using Relance.Contracts.Erp;
using Relance.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Relance.Integration.Tests.Drills;

/// <summary>
/// Fault drill: 10,000 malformed or mutated ERP messages (<see cref="MalformedMessages"/>, fixed seed) published to the
/// ERP's exchange with valid invoices and payments in between, all at once. Each bad one must be answered to the sender
/// with its reasons and kept in its error queue, none dropped or skipped; each valid one applied and passed on to the
/// Reminder service; every service healthy afterwards.
/// </summary>
[Collection(AuditCollection.Name)]
[Trait("Category", "Fault")]
public sealed class MalformedMessagesDrill(TestInfrastructure infrastructure, ITestOutputHelper output)
{
    const int BadMessages = 10_000;
    const int ValidEvery = 50; // one valid message after every 50 bad ones: 200 valid
    const int Seed = 20261203;
    const int Customers = 10;
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(110);
    static readonly TimeSpan Quiet = TimeSpan.FromSeconds(15);

    readonly string _run = Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task Ten_thousand_malformed_messages_are_each_answered_and_kept_while_the_valid_ones_between_them_are_applied()
    {
        await using var system = await RelanceSystem.StartAsync(infrastructure, new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero),
            Service.Invoice, Service.Reminder, Service.Correspondence);
        var generator = new MalformedMessages(Seed);
        var bad = new Dictionary<string, BadMessage>();
        var valid = new Dictionary<string, (string RoutingKey, string Invoice)>();
        var invoices = new List<(string Number, int Customer)>();

        var watch = Stopwatch.StartNew();
        for (var i = 1; i <= BadMessages; i++)
        {
            var message = generator.Next();
            var id = $"bad-{_run}-{i}";
            bad[id] = message;
            await system.Erp.PublishAsync(message.RoutingKey, message.Body, id);
            if (i % ValidEvery == 0) await PublishValid(system, valid, invoices, i / ValidEvery);
        }
        var published = watch.Elapsed;

        // Until every message is answered, or no answer came for a while: then those left unanswered are reported.
        var answers = await system.Erp.AnswersSoFar();
        var (count, lastProgress) = (0, Stopwatch.StartNew());
        while (!bad.Keys.Concat(valid.Keys).All(answers.ContainsKey) && lastProgress.Elapsed < Quiet && watch.Elapsed < Wait)
        {
            await Task.Delay(200);
            answers = await system.Erp.AnswersSoFar();
            if (answers.Count > count) (count, lastProgress) = (answers.Count, Stopwatch.StartNew());
        }
        var answered = watch.Elapsed;
        var unanswered = bad.Keys.Concat(valid.Keys).Where(id => !answers.ContainsKey(id)).ToList();
        var withUnanswered = new Dictionary<string, List<JsonElement>>(answers);
        foreach (var id in unanswered) withUnanswered[id] = [];
        answers = withUnanswered;

        // Every bad message: one rejection, naming its kind, its error queue and at least one field with a reason.
        var wronglyAnswered = bad.Where(b => !IsRejection(answers[b.Key], b.Value.RoutingKey))
            .Select(b => $"{b.Key} ({b.Value.RoutingKey}, {b.Value.Category}: {b.Value.What}) answered {string.Join(" | ", answers[b.Key])}").ToList();
        var notApplied = valid.Where(v => answers[v.Key] is not [var answer] || !answer.TryGetProperty("outcome", out var o) || o.GetString() != "applied")
            .Select(v => $"{v.Key} answered {string.Join(" | ", answers[v.Key])}").ToList();

        // Every bad message kept in its kind's error queue, with its own message id; nothing skipped.
        var kept = new Dictionary<string, IReadOnlyList<string?>>();
        foreach (var kind in ErpTopology.Inbound) kept[kind.RoutingKey] = await KeptIds(system, kind.ErrorQueue);
        var notKept = bad.Where(b => !kept[b.Value.RoutingKey].Contains(b.Key)).Select(b => $"{b.Key} ({b.Value.RoutingKey}, {b.Value.What})").ToList();
        var keptCount = kept.Values.Sum(k => k.Count);
        var skipped = await SkippedQueues(system);

        // The valid traffic reached the store and went on to the Reminder service's cases.
        var stored = await Stores.Count(system, Service.Invoice, "SELECT count(DISTINCT stream_id) FROM relance.mt_events WHERE type = 'invoice_issued'");
        var payments = await Stores.Count(system, Service.Invoice, "SELECT count(*) FROM relance.mt_events WHERE type = 'payment_received'");
        var reminder = system.AsUser(Service.Reminder, "manager@acme.test", [Relance.ServiceDefaults.RelanceRoles.Manager], "ACME");
        var inCases = 0;
        await Eventually.Until(async () =>
        {
            inCases = 0;
            foreach (var c in Enumerable.Range(0, Customers))
            {
                var response = await reminder.GetAsync($"/cases/ACME/{Customer(c)}/EUR");
                if (response.IsSuccessStatusCode)
                    inCases += (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("knownInvoices").GetArrayLength();
            }
            return inCases >= invoices.Count;
        }, TimeSpan.FromSeconds(30), "the valid invoices in the Reminder service's cases");

        var unhealthy = new List<string>();
        foreach (var service in new[] { Service.Invoice, Service.Reminder, Service.Correspondence })
        {
            var health = await system.Http(service).GetAsync("/health/ready");
            if (!health.IsSuccessStatusCode) unhealthy.Add($"{service}: {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}");
        }

        var categories = string.Join(", ", bad.Values.GroupBy(b => b.Category).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"));
        output.WriteLine($"drill: malformed: {bad.Count} bad messages ({categories}) and {valid.Count} valid between them; " +
                         $"{bad.Count - wronglyAnswered.Count} answered with reasons, {keptCount} kept in the error queues, {notKept.Count} not kept, {skipped.Count} skipped queues; " +
                         $"{valid.Count - notApplied.Count} valid applied ({stored} invoices, {payments} payments stored, {inCases} invoices in the Reminder's cases); " +
                         $"{3 - unhealthy.Count}/3 services healthy; published in {published.TotalSeconds:0.0} s, all answered after {answered.TotalSeconds:0.0} s, drill {watch.Elapsed.TotalSeconds:0} s");
        foreach (var group in bad.Where(b => !IsRejection(answers[b.Key], b.Value.RoutingKey)).GroupBy(b => (b.Value.RoutingKey, b.Value.Category)))
            output.WriteLine($"not rejected: {group.Count()} {group.Key.RoutingKey} {group.Key.Category}, e.g. {string.Join("; ", group.Take(3).Select(b => $"{b.Value.What} answered {(answers[b.Key] is [var a, ..] ? a.ToString() : "nothing")}"))}");
        foreach (var line in notApplied.Concat(notKept).Take(20)) output.WriteLine(line);

        Assert.Empty(wronglyAnswered);
        Assert.Empty(notApplied);
        Assert.Empty(notKept);
        Assert.Equal(bad.Count, keptCount);
        Assert.Empty(skipped);
        Assert.Equal((invoices.Count, valid.Count - invoices.Count, invoices.Count), ((int)stored, (int)payments, inCases));
        Assert.Empty(unhealthy);
    }

    string Customer(int c) => $"C-{_run}-{c}";

    /// <summary>A valid invoice; every fourth time a payment of half of an earlier one instead.</summary>
    async Task PublishValid(RelanceSystem system, Dictionary<string, (string, string)> valid, List<(string Number, int Customer)> invoices, int n)
    {
        var id = $"good-{_run}-{n}";
        if (n % 4 == 0)
        {
            var (number, _) = invoices[n / 2];
            valid[id] = (ErpTopology.PaymentReceivedRoutingKey, number);
            await system.Erp.PublishPaymentAsync(new { companyId = "ACME", paymentId = $"P-{number}", invoiceNumber = number, amount = 600.00m, currency = "EUR", receivedOn = "2026-03-02" }, id);
            return;
        }
        var invoice = (Number: $"F-{_run}-{n:000}", Customer: n % Customers);
        invoices.Add(invoice);
        valid[id] = (ErpTopology.InvoiceIssuedRoutingKey, invoice.Number);
        await system.Erp.PublishInvoiceAsync(new
        {
            companyId = "ACME", invoiceNumber = invoice.Number,
            customer = new { customerId = Customer(invoice.Customer), name = "Client SAS", email = $"compta.{_run}.{invoice.Customer}@drill.test" },
            issueDate = "2026-03-02", dueDate = "2026-05-01", amountExcludingVat = 1000.00m, amountIncludingVat = 1200.00m, currency = "EUR",
        }, id);
    }

    static bool IsRejection(List<JsonElement> answers, string routingKey) =>
        answers is [var answer]
        && answer.TryGetProperty("reasons", out var reasons) && reasons.ValueKind == JsonValueKind.Array && reasons.GetArrayLength() > 0
        && reasons.EnumerateArray().All(r => r.GetProperty("field").GetString() is { Length: > 0 } && r.GetProperty("error").GetString() is { Length: > 0 })
        && answer.GetProperty("messageKind").GetString() == routingKey
        && answer.GetProperty("errorQueue").GetString() == ErpTopology.Inbound.Single(i => i.RoutingKey == routingKey).ErrorQueue;

    /// <summary>The AMQP message ids of what an error queue keeps; read without acknowledging, so that it stays there.</summary>
    static async Task<IReadOnlyList<string?>> KeptIds(RelanceSystem system, string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = system.RabbitMq }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var ids = new List<string?>();
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: false) is { } message) ids.Add(message.BasicProperties.MessageId);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) when (ids.Count == 0)
        {
            return ids; // no such queue: nothing of that kind was rejected
        }
        // Closing the channel hands every unacknowledged message back to the queue.
        return ids;
    }

    /// <summary>Queues where MassTransit put messages no consumer took (a message neither consumed nor refused).</summary>
    async Task<IReadOnlyList<string>> SkippedQueues(RelanceSystem system)
    {
        using var management = infrastructure.Management();
        var queues = await management.GetFromJsonAsync<JsonElement[]>($"api/queues/{Uri.EscapeDataString(system.VirtualHost)}");
        return [.. queues!.Select(q => q.GetProperty("name").GetString()!).Where(n => n.EndsWith("_skipped", StringComparison.Ordinal))];
    }
}
