using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Relance.Contracts.Erp;
using Relance.Integration.Tests.Infrastructure;
using Relance.ReminderService.DunningCases.TakingDueActions;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests.Scenarios;

/// <summary>
/// One customer of company ACME chased by the real services on the real broker and database, the shared
/// clock moved forward a day at a time (to 08:00 UTC, when the day's actions are due) with a dunning run
/// each day, waiting each time until every written action asked for has left or been withdrawn.
/// </summary>
public sealed class DunningScenario : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero); // a Monday, 09:00 in Paris
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    int _messages;

    DunningScenario(RelanceSystem system) => System = system;

    public RelanceSystem System { get; }
    public string Customer => $"C-{_run}";
    public string BillingEmail => $"factures.{_run}@dupont.test";
    public string CasePath => $"/cases/ACME/{Customer}/EUR";
    /// <summary>ACME's credit manager, who also administers its plans.</summary>
    public HttpClient Reminder => System.AsUser(Service.Reminder, "manager@acme.test", [RelanceRoles.Manager, RelanceRoles.Admin], "ACME");
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(System.Clock.GetUtcNow(), Paris).DateTime);

    /// <summary>
    /// Reminder arguments that leave the days' runs to the scenario alone: the service's own scheduler ticks once at start,
    /// then never (its poll interval infinite). Otherwise its tick, woken by the clock moved forward, races the day's run:
    /// harmless (one of them loses on the case's version), but the loser's rolled-back append leaves a gap in the event
    /// sequence that the async daemon waits 3 s on before dispatching what follows.
    /// </summary>
    public const string OnlyTheDailyRuns = "--Reminder:Scheduler:PollInterval=-00:00:00.001";

    public static async Task<DunningScenario> StartAsync(TestInfrastructure infrastructure, params string[] reminderArgs)
    {
        var system = await RelanceSystem.StartAsync(infrastructure, Start, Service.Invoice, Service.Reminder, Service.Correspondence);
        if (reminderArgs.Length > 0) await system.RestartAsync(Service.Reminder, reminderArgs);
        return new DunningScenario(system);
    }

    public ValueTask DisposeAsync() => System.DisposeAsync();

    string NextMessageId() => $"erp-{_run}-{++_messages}";

    async Task<string> Publish(string routingKey, object message)
    {
        var id = NextMessageId();
        await System.Erp.PublishAsync(routingKey, JsonSerializer.Serialize(message, JsonSerializerOptions.Web), id);
        var outcome = await System.Erp.OutcomeOf(id);
        Assert.True(outcome is "applied" or "already-applied", $"{routingKey} answered {outcome}");
        return id;
    }

    /// <summary>The customer as a well-kept ERP describes it: a billing contact with email and phone, a manager, an address, an account manager.</summary>
    public async Task DescribeCustomer(bool withEmail = true, bool withPhone = true, string? segment = null, object? hold = null)
    {
        var holds = (await Case()).HasValue ? (await EventTypes()).Count(t => t == "case_hold_set") : 0;
        await Publish(ErpTopology.CustomerUpsertedRoutingKey, new
        {
            companyId = "ACME", customerId = Customer, legalName = "Dupont SAS", siren = "732829320",
            addresses = new[] { new { kind = "billing", lines = new[] { "12 rue des Lilas" }, postalCode = "69003", city = "Lyon", country = "FR" } },
            contacts = new[]
            {
                new { role = "billing", name = "Anne Martin", email = withEmail ? BillingEmail : null, phone = withPhone ? "+33472000001" : null },
                new { role = "management", name = "Marc Dupont", email = withEmail ? $"direction.{_run}@dupont.test" : null, phone = (string?)null },
            },
            accountManager = new { role = "account-manager", name = "Paul Durand", email = "p.durand@acme.test", phone = "+33100000000" },
            segment,
            dunningHold = hold,
        });
        // The Reminder service hears of it asynchronously, while days go by in a blink here: wait for it.
        if (hold is not null && (await Case()).HasValue)
            await Eventually.Until(async () => (await EventTypes()).Count(t => t == "case_hold_set") > holds, Wait, "the hold in the case");
    }

    public async Task Invoice(string number, DateOnly due, decimal amount, DateOnly? issued = null)
    {
        await Publish(ErpTopology.InvoiceIssuedRoutingKey, new
        {
            companyId = "ACME", invoiceNumber = number,
            customer = new { customerId = Customer, name = "Dupont SAS", email = BillingEmail },
            issueDate = (issued ?? due.AddDays(-30)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            dueDate = due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            amountExcludingVat = Math.Round(amount / 1.2m, 2), amountIncludingVat = amount, currency = "EUR",
        });
        await Eventually.Until(async () => (await Case())?.GetProperty("knownInvoices").EnumerateArray().Any(i => i.GetString() == number) == true,
            Wait, $"{number} in the case");
    }

    public async Task Payment(string number, decimal amount)
    {
        var before = await Outstanding(number);
        await Publish(ErpTopology.PaymentReceivedRoutingKey, new
        {
            companyId = "ACME", paymentId = $"P-{_run}-{_messages}", invoiceNumber = number, amount, currency = "EUR",
            receivedOn = Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
        await Eventually.Until(async () => await Outstanding(number) != before, Wait, $"the payment on {number} in the case");
    }

    public async Task CreditNote(string number, decimal amount)
    {
        var before = await Outstanding(number);
        await Publish(ErpTopology.CreditNoteIssuedRoutingKey, new
        {
            companyId = "ACME", creditNoteNumber = $"AV-{_run}-{_messages}", customerId = Customer, currency = "EUR",
            issueDate = Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), reason = "remise commerciale",
            allocations = new[] { new { invoiceNumber = number, amount } },
        });
        await Eventually.Until(async () => await Outstanding(number) != before, Wait, $"the credit note on {number} in the case");
    }

    public async Task Dispute(string number, bool open)
    {
        var type = open ? "invoice_disputed" : "invoice_dispute_closed";
        var count = (await EventTypes()).Count(t => t == type);
        await Publish(open ? ErpTopology.DisputeOpenedRoutingKey : ErpTopology.DisputeClosedRoutingKey, open
            ? new { companyId = "ACME", invoiceNumber = number, disputeId = $"D-{_run}", reason = "wrong-amount", openedOn = Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }
            : (object)new { companyId = "ACME", invoiceNumber = number, disputeId = $"D-{_run}", resolution = "dispute-rejected", closedOn = Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        await Eventually.Until(async () => (await EventTypes()).Count(t => t == type) > count, Wait, $"{type} in the case");
    }

    async Task<decimal?> Outstanding(string number) =>
        (await Case())?.GetProperty("openInvoices").EnumerateArray().Where(i => i.GetProperty("invoiceNumber").GetString() == number)
            .Select(i => (decimal?)i.GetProperty("outstanding").GetDecimal()).FirstOrDefault();

    public async Task<JsonElement?> Case()
    {
        var response = await Reminder.GetAsync(CasePath);
        return response.StatusCode == global::System.Net.HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A decision on the case as last read: POSTed with the case's ETag in If-Match.</summary>
    public async Task<HttpResponseMessage> PostOnCase(string relativePath, object body)
    {
        var read = await Reminder.GetAsync(CasePath);
        read.EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{CasePath}/{relativePath}") { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(read.Headers.ETag!);
        return await Reminder.SendAsync(request);
    }

    /// <summary>A person of ACME with these roles, signed in to the Reminder service.</summary>
    public HttpClient As(string user, params string[] roles) => System.AsUser(Service.Reminder, user, roles, "ACME");

    /// <summary>
    /// A person's command on the case (<c>/calls</c>, <c>/holds</c>, <c>/approvals/{id}</c>…) on the version of it they just read:
    /// GET for its ETag, then POST (or PUT) with If-Match. The answer as it came, for refusals.
    /// </summary>
    public async Task<HttpResponseMessage> TryAct(string user, string role, string action, object body, HttpMethod? method = null)
    {
        var client = As(user, role);
        var read = await client.GetAsync(CasePath);
        read.EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, $"{CasePath}{action}") { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(read.Headers.ETag!);
        return await client.SendAsync(request);
    }

    /// <summary>As <see cref="TryAct"/>, which must succeed: its answer's body.</summary>
    public async Task<JsonElement> Act(string user, string role, string action, object body, HttpMethod? method = null)
    {
        using var response = await TryAct(user, role, action, body, method);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{action} answered {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    /// <summary>The call waiting on the case for this step (the first one waiting when none is named).</summary>
    public async Task<Guid> CallId(string? step = null) =>
        (await Case())!.Value.GetProperty("calls").EnumerateArray().First(c => step is null || c.GetProperty("step").GetString() == step).GetProperty("callId").GetGuid();

    public Task<Guid> FirstCallId() => CallId("first-call");

    /// <summary>This customer's calls in ACME's work queue today, whoever they are for.</summary>
    public async Task<JsonElement[]> WorkQueue() =>
        [.. (await As("carla", RelanceRoles.Collector).GetFromJsonAsync<JsonElement[]>("/work-queue?companyId=ACME&assignee=all"))!
            .Where(c => c.GetProperty("customerId").GetString() == Customer)];

    /// <summary>The scheduler's next tick, minutes after a person's decision in production: what became due is taken now.</summary>
    public async Task Tick()
    {
        await RunScheduler();
        await Settled();
    }

    public async Task<JsonElement[]> Events() => (await Reminder.GetFromJsonAsync<JsonElement[]>($"{CasePath}/events"))!;

    /// <summary>The events of this type in the case's proof trail, oldest first.</summary>
    public async Task<JsonElement[]> Events(string type) => [.. (await Events()).Where(e => e.GetProperty("type").GetString() == type)];

    /// <summary>The Paris day of an instant of the proof trail.</summary>
    public static string Day(JsonElement at) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at.GetDateTimeOffset(), Paris).DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task<string[]> EventTypes() => [.. (await Events()).Select(e => e.GetProperty("type").GetString()!)];

    public Task<int> RunScheduler(IServiceProvider? instance = null) =>
        (instance ?? System.Services(Service.Reminder)).GetRequiredService<ReminderScheduler>().RunOnceAsync(CancellationToken.None);

    /// <summary>Day after day at 08:00 UTC, a dunning run each day, until <paramref name="days"/> have passed or <paramref name="stop"/> holds.</summary>
    public async Task RunDays(int days, Func<Task<bool>>? stop = null)
    {
        for (var day = 0; day < days; day++)
        {
            var next = System.Clock.GetUtcNow().UtcDateTime.Date.AddDays(1).AddHours(8);
            System.Clock.SetUtcNow(new DateTimeOffset(next, TimeSpan.Zero));
            await RunScheduler();
            await Settled();
            if (stop is not null && await stop()) return;
        }
    }

    public Task RunUntilApprovalAwaited(int maxDays) =>
        RunDays(maxDays, async () => (await Case())?.GetProperty("awaitingApproval") is { ValueKind: JsonValueKind.Object } pending && !pending.GetProperty("approved").GetBoolean());

    /// <summary>Every written action asked for has left (recorded sent) or was withdrawn.</summary>
    public async Task Settled()
    {
        await Eventually.Until(async () =>
        {
            var events = await Events();
            var written = events.Where(e => e.GetProperty("type").GetString() == "reminder_requested" && e.GetProperty("data").GetProperty("channel").GetString() != "phone")
                .Select(e => e.GetProperty("data").GetProperty("reminderId").GetGuid()).ToHashSet();
            var done = events.Where(e => e.GetProperty("type").GetString() is "reminder_sent" or "reminder_withdrawn")
                .Select(e => e.GetProperty("data").GetProperty("reminderId").GetGuid()).ToHashSet();
            return written.IsSubsetOf(done);
        }, Wait, "every written action sent or withdrawn");
    }

    public async Task Approve(bool approve = true)
    {
        var pending = (await Case())!.Value.GetProperty("awaitingApproval");
        var response = await PostOnCase($"approvals/{pending.GetProperty("actionId").GetGuid()}",
            new { approve, comment = approve ? null : "a strategic customer: call the director first" });
        response.EnsureSuccessStatusCode();
        await RunScheduler();
        await Settled();
    }

    /// <summary>
    /// What the postal provider tells of the letter sent for <paramref name="step"/>, through the Correspondence
    /// service's tracking API (as a mail room would enter it); returns once the case has recorded <paramref name="recordedAs"/>.
    /// </summary>
    public async Task TrackLetter(string step, object tracking, string recordedAs)
    {
        var reminderId = (await Events("reminder_requested")).Last(e => e.GetProperty("data").GetProperty("step").GetString() == step)
            .GetProperty("data").GetProperty("reminderId").GetGuid();
        var response = await System.AsUser(Service.Correspondence, "carla@acme.test", [RelanceRoles.Collector], "ACME")
            .PostAsJsonAsync($"/correspondences/{reminderId}/postal-tracking", tracking);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await Eventually.Until(async () => (await Events(recordedAs)).Any(e => e.GetProperty("data").GetProperty("reminderId").GetGuid() == reminderId),
            Wait, $"{recordedAs} of the {step} on the case");
    }

    /// <summary>The case's actions as "yyyy-MM-dd step channel [invoices]" (Paris dates), from its proof trail.</summary>
    public async Task<IReadOnlyList<string>> Actions() => [.. (await Events()).SelectMany(Describe)];

    static IEnumerable<string> Describe(JsonElement e)
    {
        var data = e.GetProperty("data");
        string Invoices() => string.Join(",", data.GetProperty("invoices").EnumerateArray().Select(i => i.GetProperty("invoiceNumber").GetString()));
        string Day(string property) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(data.GetProperty(property).GetDateTimeOffset(), Paris).DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return e.GetProperty("type").GetString() switch
        {
            "reminder_requested" => [$"{Day("requestedAt")} {data.GetProperty("step").GetString()} {data.GetProperty("channel").GetString()} [{Invoices()}]"],
            "step_skipped" => [$"{Day("skippedAt")} {data.GetProperty("step").GetString()} skipped [{Invoices()}]"],
            "action_awaiting_approval" => [$"{Day("at")} {data.GetProperty("step").GetString()} awaits approval"],
            "action_refused" => [$"{Day("refusedAt")} {data.GetProperty("step").GetString()} refused"],
            "case_handed_to_litigation" => [$"{Day("handedOverAt")} {data.GetProperty("step").GetString()} handed over [{Invoices()}]"],
            _ => [],
        };
    }
}
