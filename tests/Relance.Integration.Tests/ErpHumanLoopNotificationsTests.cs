using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Relance.Contracts.Erp;
using Relance.Integration.Tests.Infrastructure;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.TakingDueActions;
using Relance.ServiceDefaults;
using Xunit.Abstractions;

namespace Relance.Integration.Tests;

/// <summary>
/// What people did on a case, as the ERP reads it (plain JSON on the fanout exchanges, AMQP client only): a call
/// logged with a promise, the promise kept by a payment, a payment plan agreed and its first instalment paid, a dispute on two invoices opened and resolved (one message
/// each), the case written off; and the disputes the ERP sent itself are not told back to it. Real services, broker
/// and database; one system for the class, a customer per test, every invoice due on 31 October 2026 and the first
/// call (D+1) waiting from 2 November.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ErpHumanLoopNotificationsTests(TestInfrastructure infrastructure, ErpHumanLoopNotificationsTests.SharedSystem shared, ITestOutputHelper output)
    : IClassFixture<ErpHumanLoopNotificationsTests.SharedSystem>
{
    public const string Company = "ACME";

    // Each customer's invoices and what they owe.
    static readonly Dictionary<string, (string Suffix, decimal Amount)[]> Invoices = new()
    {
        ["people"] = [("F1", 1200m), ("F2", 600m), ("F3", 300m)],
        ["erp"] = [("F1", 1200m)],
        ["plan"] = [("F1", 1200m)],
    };

    public sealed class SharedSystem : Infrastructure.SharedSystem
    {
        public string Run { get; } = Guid.NewGuid().ToString("N")[..6];

        public string Customer(string name) => $"hl-{name}-{Run}";
        public string Invoice(string name, string suffix) => $"{Customer(name)}-{suffix}";
        public string CasePath(string name) => $"/cases/{Company}/{Customer(name)}/EUR";


        protected override async Task<RelanceSystem> Start(TestInfrastructure infrastructure)
        {
            var system = await RelanceSystem.StartAsync(infrastructure, new DateTimeOffset(2026, 10, 20, 6, 0, 0, TimeSpan.Zero),
                Service.Invoice, Service.Reminder, Service.Correspondence);
            var admin = system.AsUser(Service.Reminder, "admin", [RelanceRoles.Admin]);
            foreach (var (name, invoices) in Invoices)
            {
                await system.Erp.PublishAsync(ErpTopology.CustomerUpsertedRoutingKey, JsonSerializer.Serialize(new
                {
                    companyId = Company, customerId = Customer(name), legalName = $"Client {name}", siren = "732829320",
                    addresses = new[] { new { kind = "billing", lines = new[] { "12 rue des Lilas" }, postalCode = "69003", city = "Lyon", country = "FR" } },
                    contacts = new[] { new { role = "billing", name = "Anne Martin", email = $"anne.{name}@client.test", phone = "+33472000001" } },
                }), $"cust-{Customer(name)}");
                foreach (var (suffix, amount) in invoices)
                    await system.Erp.PublishInvoiceAsync(new
                    {
                        companyId = Company,
                        invoiceNumber = Invoice(name, suffix),
                        customer = new { customerId = Customer(name), name = $"Client {name}", email = $"anne.{name}@client.test" },
                        issueDate = "2026-10-01",
                        dueDate = "2026-10-31",
                        amountExcludingVat = amount / 1.2m,
                        amountIncludingVat = amount,
                        currency = "EUR",
                    }, $"inv-{Invoice(name, suffix)}");
            }
            foreach (var (name, invoices) in Invoices)
                await Eventually.Until(async () =>
                {
                    var response = await admin.GetAsync(CasePath(name));
                    if (!response.IsSuccessStatusCode) return false;
                    var state = await response.Content.ReadFromJsonAsync<JsonElement>();
                    return state.GetProperty("customer").GetProperty("contacts").GetArrayLength() > 0
                        && state.GetProperty("openInvoices").GetArrayLength() == invoices.Length;
                }, TimeSpan.FromSeconds(60), $"the case of {name}, with its contacts and invoices");
            system.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
            await system.Services(Service.Reminder).GetRequiredService<ReminderScheduler>().RunOnceAsync(CancellationToken.None);
            return system;
        }

    }

    async Task<RelanceSystem> System() => await shared.Get(infrastructure);

    static async Task<(JsonElement Case, string ETag)> Read(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.ETag!.Tag);
    }

    /// <summary>POSTs a command on the version of the case just read; it must succeed. Its result, if any.</summary>
    static async Task<JsonElement> Act(HttpClient client, string casePath, string action, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{casePath}{action}") { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue((await Read(client, casePath)).ETag));
        var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Moves the test clock on, so that each action has a time of its own; the new time.</summary>
    static DateTimeOffset Later(RelanceSystem system)
    {
        system.Clock.Advance(TimeSpan.FromMinutes(7));
        return system.Clock.GetUtcNow();
    }

    /// <summary>The messages on the exchange about this customer that match, once at least one has come.</summary>
    async Task<List<(string? MessageId, JsonElement Body)>> Told(string exchange, string customer, Func<JsonElement, bool> match, string what)
    {
        var system = await System();
        List<(string? MessageId, JsonElement Body)> told = [];
        await Eventually.Until(async () =>
        {
            told = [.. (await system.Erp.NotificationsOn(exchange)).Where(n => n.Body.GetProperty("customerId").GetString() == customer && match(n.Body))];
            return told.Count > 0;
        }, TimeSpan.FromSeconds(30), what);
        foreach (var (id, body) in told) output.WriteLine($"{exchange} {id}: {body}");
        return told;
    }

    static void Absent(JsonElement body, string field) =>
        Assert.True(!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null, $"{field} is set: {body}");

    static string[] InvoicesOf(JsonElement body, string field = "invoices") =>
        [.. body.GetProperty(field).EnumerateArray()
            .Select(i => $"{i.GetProperty("invoiceNumber").GetString()} {i.GetProperty("outstanding").GetDecimal():0.00} {i.GetProperty("currency").GetString()}").Order()];

    string[] Owed(string name, params (string Suffix, decimal Amount)[] invoices) =>
        [.. invoices.Select(i => $"{shared.Invoice(name, i.Suffix)} {i.Amount:0.00} EUR").Order()];

    void Common(JsonElement body, string name)
    {
        Assert.Equal(Company, body.GetProperty("companyId").GetString());
        Assert.Equal(shared.Customer(name), body.GetProperty("customerId").GetString());
        Assert.Equal($"{Company}/{shared.Customer(name)}/EUR", body.GetProperty("caseId").GetString());
    }

    /// <summary>The events of the case, to check that each message's id is that of the event behind it.</summary>
    async Task<IReadOnlyList<IEvent>> Events(string name)
    {
        await using var session = (await System()).Services(Service.Reminder).GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.FetchStreamAsync(DunningCase.StreamKey(Company, shared.Customer(name), "EUR"));
    }

    [Fact]
    public async Task A_call_its_promise_kept_a_dispute_opened_and_resolved_and_the_write_off_are_told_to_the_erp_with_who_when_and_which_invoices()
    {
        const string name = "people";
        var system = await System();
        var carla = system.AsUser(Service.Reminder, "carla", [RelanceRoles.Collector], Company);
        var marc = system.AsUser(Service.Reminder, "marc", [RelanceRoles.Manager], Company);
        var path = shared.CasePath(name);
        var customer = shared.Customer(name);
        var (before, _) = await Read(carla, path);
        var callId = Assert.Single(before.GetProperty("calls").EnumerateArray()).GetProperty("callId").GetGuid();

        // A call answering the planned one, with a promise on F3.
        var calledAt = Later(system);
        var callLogId = (await Act(carla, path, "/calls", new
        {
            callId, outcome = "promise", contactName = "Anne Martin", notes = "F3 by transfer on Friday", nextStep = "check the payment on Monday",
            promise = new { amount = 300m, promisedFor = "2026-11-06", invoices = new[] { shared.Invoice(name, "F3") } },
        })).GetProperty("result").GetProperty("callLogId").GetGuid();

        var (callId1, call) = Assert.Single(await Told(ErpTopology.CallLoggedExchange, customer, _ => true, "the call logged"));
        Common(call, name);
        Assert.Equal(callLogId, call.GetProperty("callLogId").GetGuid());
        Assert.Equal(callId, call.GetProperty("callId").GetGuid());
        Assert.Equal("first-call", call.GetProperty("step").GetString());
        Assert.Equal("promise", call.GetProperty("outcome").GetString());
        Assert.Equal("Anne Martin", call.GetProperty("contactName").GetString());
        Assert.Equal("F3 by transfer on Friday", call.GetProperty("notes").GetString());
        Assert.Equal("check the payment on Monday", call.GetProperty("nextStep").GetString());
        Absent(call, "callBackAt");
        Assert.Equal(Owed(name, ("F1", 1200m), ("F2", 600m), ("F3", 300m)), InvoicesOf(call));
        Assert.Equal("carla", call.GetProperty("by").GetString());
        Assert.Equal(calledAt, call.GetProperty("at").GetDateTimeOffset());

        var (madeId, made) = Assert.Single(await Told(ErpTopology.PaymentPromiseChangedExchange, customer, b => b.GetProperty("status").GetString() == "made", "the promise made"));
        Common(made, name);
        var promiseId = made.GetProperty("promiseId").GetGuid();
        Assert.Equal(300m, made.GetProperty("amount").GetDecimal());
        Assert.Equal(JsonValueKind.Number, made.GetProperty("amount").ValueKind);
        Assert.Equal("EUR", made.GetProperty("currency").GetString());
        Assert.Equal("2026-11-06", made.GetProperty("promisedFor").GetString());
        Absent(made, "paid");
        Absent(made, "reason");
        Assert.Equal(Owed(name, ("F3", 300m)), InvoicesOf(made));
        Assert.Equal("F3 by transfer on Friday", made.GetProperty("notes").GetString());
        Assert.Equal("carla", made.GetProperty("by").GetString());
        Assert.Equal(calledAt, made.GetProperty("at").GetDateTimeOffset());

        // The ERP records the payment of F3: the promise is kept, as Relance saw it.
        var paidAt = Later(system);
        await system.Erp.PublishPaymentAsync(new { companyId = Company, paymentId = $"P-{customer}", invoiceNumber = shared.Invoice(name, "F3"), amount = 300m, currency = "EUR", receivedOn = "2026-11-02" }, $"pay-{customer}");
        var (keptId, kept) = Assert.Single(await Told(ErpTopology.PaymentPromiseChangedExchange, customer, b => b.GetProperty("status").GetString() == "kept", "the promise kept"));
        Common(kept, name);
        Assert.Equal(promiseId, kept.GetProperty("promiseId").GetGuid());
        Assert.Equal(300m, kept.GetProperty("amount").GetDecimal());
        Assert.Equal(300m, kept.GetProperty("paid").GetDecimal());
        Assert.Equal("2026-11-06", kept.GetProperty("promisedFor").GetString());
        Assert.Equal(Owed(name, ("F3", 300m)), InvoicesOf(kept));
        Assert.Equal("system", kept.GetProperty("by").GetString());
        Assert.Equal(paidAt, kept.GetProperty("at").GetDateTimeOffset());

        // A dispute on F1 and F2: one decision, one message listing both.
        var disputedAt = Later(system);
        var disputeId = (await Act(carla, path, "/disputes", new
        {
            reason = "wrong-amount", comment = "the agreed discount is missing", invoices = new[] { shared.Invoice(name, "F1"), shared.Invoice(name, "F2") },
        })).GetProperty("result").GetProperty("disputeId").GetString();
        var (openedId, opened) = Assert.Single(await Told(ErpTopology.DisputeChangedExchange, customer, b => b.GetProperty("status").GetString() == "opened", "the dispute opened"));
        Common(opened, name);
        Assert.Equal(disputeId, opened.GetProperty("disputeId").GetString());
        Assert.Equal("wrong-amount", opened.GetProperty("category").GetString());
        Absent(opened, "resolution");
        Assert.Equal("the agreed discount is missing", opened.GetProperty("comment").GetString());
        Assert.Equal(Owed(name, ("F1", 1200m), ("F2", 600m)), InvoicesOf(opened));
        Absent(opened, "awaitCorrectionUntil");
        Assert.Equal("carla", opened.GetProperty("by").GetString());
        Assert.Equal(disputedAt, opened.GetProperty("at").GetDateTimeOffset());

        var resolvedAt = Later(system);
        await Act(carla, path, $"/disputes/{disputeId}/resolution", new { resolution = "rejected", comment = "the discount was never agreed" });
        var (resolvedId, resolved) = Assert.Single(await Told(ErpTopology.DisputeChangedExchange, customer, b => b.GetProperty("status").GetString() == "resolved", "the dispute resolved"));
        Common(resolved, name);
        Assert.Equal(disputeId, resolved.GetProperty("disputeId").GetString());
        Assert.Equal("wrong-amount", resolved.GetProperty("category").GetString());
        Assert.Equal("rejected", resolved.GetProperty("resolution").GetString());
        Assert.Equal("the discount was never agreed", resolved.GetProperty("comment").GetString());
        Assert.Equal(Owed(name, ("F1", 1200m), ("F2", 600m)), InvoicesOf(resolved));
        Absent(resolved, "awaitCorrectionUntil");
        Assert.Equal("carla", resolved.GetProperty("by").GetString());
        Assert.Equal(resolvedAt, resolved.GetProperty("at").GetDateTimeOffset());

        // The manager writes the rest off.
        var writtenOffAt = Later(system);
        await Act(marc, path, "/write-off", new { reason = "the customer is in liquidation" });
        var (writeOffId, writtenOff) = Assert.Single(await Told(ErpTopology.CaseWrittenOffExchange, customer, _ => true, "the write-off"));
        Common(writtenOff, name);
        Assert.Equal(Owed(name, ("F1", 1200m), ("F2", 600m)), InvoicesOf(writtenOff));
        Assert.Equal(1800m, writtenOff.GetProperty("total").GetDecimal());
        Assert.Equal(JsonValueKind.Number, writtenOff.GetProperty("total").ValueKind);
        Assert.Equal("EUR", writtenOff.GetProperty("currency").GetString());
        Assert.Equal("the customer is in liquidation", writtenOff.GetProperty("reason").GetString());
        Assert.Equal("marc", writtenOff.GetProperty("by").GetString());
        Assert.Equal(writtenOffAt, writtenOff.GetProperty("at").GetDateTimeOffset());

        // Each message's id is the id of the event behind it (for the dispute, the first of its per-invoice events): the same on a repeat.
        var events = await Events(name);
        Guid IdOf<T>(Func<T, bool>? which = null) => events.First(e => e.Data is T data && (which is null || which(data))).Id;
        Assert.Equal(IdOf<CallLogged>().ToString(), callId1);
        Assert.Equal(IdOf<PaymentPromised>().ToString(), madeId);
        Assert.Equal(IdOf<PaymentPromiseKept>().ToString(), keptId);
        Assert.Equal(IdOf<InvoiceDisputed>(d => d.DisputeId == disputeId).ToString(), openedId);
        Assert.Equal(IdOf<InvoiceDisputeClosed>(d => d.DisputeId == disputeId).ToString(), resolvedId);
        Assert.Equal(IdOf<CaseWrittenOff>().ToString(), writeOffId);
        // Nothing more on the exchanges for this customer than what was told above.
        Assert.Equal(2, (await system.Erp.NotificationsOn(ErpTopology.DisputeChangedExchange)).Count(n => n.Body.GetProperty("customerId").GetString() == customer));
        Assert.Equal(2, (await system.Erp.NotificationsOn(ErpTopology.PaymentPromiseChangedExchange)).Count(n => n.Body.GetProperty("customerId").GetString() == customer));
    }

    [Fact]
    public async Task A_payment_plan_agreed_and_its_first_instalment_paid_are_told_with_the_instalments()
    {
        const string name = "plan";
        var system = await System();
        var carla = system.AsUser(Service.Reminder, "carla", [RelanceRoles.Collector], Company);
        var path = shared.CasePath(name);
        var customer = shared.Customer(name);
        string[] Instalments(JsonElement body) =>
            [.. body.GetProperty("instalments").EnumerateArray().Select(i => $"{i.GetProperty("number").GetInt32()} {i.GetProperty("dueDate").GetString()} {i.GetProperty("amount").GetDecimal():0.00}")];
        string[] agreedInstalments = ["1 2026-11-15 600.00", "2 2026-12-15 600.00"];

        var agreedAt = Later(system);
        var planId = (await Act(carla, path, "/payment-plan", new
        {
            reason = "cash flow until December", instalments = new[] { new { dueDate = "2026-11-15", amount = 600m }, new { dueDate = "2026-12-15", amount = 600m } },
        })).GetProperty("result").GetProperty("paymentPlanId").GetGuid();
        var (_, agreed) = Assert.Single(await Told(ErpTopology.PaymentPlanChangedExchange, customer, b => b.GetProperty("status").GetString() == "agreed", "the plan agreed"));
        Common(agreed, name);
        Assert.Equal(planId, agreed.GetProperty("paymentPlanId").GetGuid());
        Assert.Equal("EUR", agreed.GetProperty("currency").GetString());
        Assert.Equal(agreedInstalments, Instalments(agreed));
        Assert.Equal(Owed(name, ("F1", 1200m)), InvoicesOf(agreed));
        Assert.Equal(0m, agreed.GetProperty("paidToDate").GetDecimal());
        Absent(agreed, "instalment");
        Absent(agreed, "dueToDate");
        Assert.Equal("cash flow until December", agreed.GetProperty("reason").GetString());
        Assert.Equal("carla", agreed.GetProperty("by").GetString());
        Assert.Equal(agreedAt, agreed.GetProperty("at").GetDateTimeOffset());

        // The ERP records 600 paid on F1: the first instalment is covered, as Relance saw it.
        var paidAt = Later(system);
        await system.Erp.PublishPaymentAsync(new { companyId = Company, paymentId = $"P-{customer}", invoiceNumber = shared.Invoice(name, "F1"), amount = 600m, currency = "EUR", receivedOn = "2026-11-02" }, $"pay-{customer}");
        var (_, paid) = Assert.Single(await Told(ErpTopology.PaymentPlanChangedExchange, customer, b => b.GetProperty("status").GetString() == "instalment-paid", "the first instalment paid"));
        Common(paid, name);
        Assert.Equal(planId, paid.GetProperty("paymentPlanId").GetGuid());
        Assert.Equal(agreedInstalments, Instalments(paid));
        Assert.Equal(Owed(name, ("F1", 1200m)), InvoicesOf(paid));
        Assert.Equal(600m, paid.GetProperty("paidToDate").GetDecimal());
        Assert.Equal(1, paid.GetProperty("instalment").GetInt32());
        Absent(paid, "reason");
        Assert.Equal("system", paid.GetProperty("by").GetString());
        Assert.Equal(paidAt, paid.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_dispute_the_erp_sent_is_not_told_back_but_its_resolution_by_a_person_is()
    {
        const string name = "erp";
        var system = await System();
        var carla = system.AsUser(Service.Reminder, "carla", [RelanceRoles.Collector], Company);
        var path = shared.CasePath(name);
        var customer = shared.Customer(name);
        var invoice = shared.Invoice(name, "F1");
        string[] OpenDisputes(JsonElement state) => [.. state.GetProperty("disputes").EnumerateArray().Select(d => d.GetProperty("disputeId").GetString()!).Order()];

        // The ERP opens two disputes on F1, and closes the second itself.
        async Task Send(string routingKey, object message, string messageId)
        {
            await system.Erp.PublishAsync(routingKey, JsonSerializer.Serialize(message), messageId);
            Assert.Equal("applied", await system.Erp.OutcomeOf(messageId));
        }
        var (first, second) = ($"ERP-{customer}-1", $"ERP-{customer}-2");
        await Send(ErpTopology.DisputeOpenedRoutingKey, new { companyId = Company, invoiceNumber = invoice, disputeId = first, reason = "quality", comment = "damaged goods", openedOn = "2026-11-02" }, $"{first}-open");
        await Send(ErpTopology.DisputeOpenedRoutingKey, new { companyId = Company, invoiceNumber = invoice, disputeId = second, reason = "other", openedOn = "2026-11-02" }, $"{second}-open");
        await Eventually.Until(async () => OpenDisputes((await Read(carla, path)).Case).SequenceEqual(new[] { first, second }.Order()), TimeSpan.FromSeconds(30), "both ERP disputes on the case");
        await Send(ErpTopology.DisputeClosedRoutingKey, new { companyId = Company, invoiceNumber = invoice, disputeId = second, resolution = "dispute-rejected", closedOn = "2026-11-02" }, $"{second}-close");
        await Eventually.Until(async () => OpenDisputes((await Read(carla, path)).Case).SequenceEqual([first]), TimeSpan.FromSeconds(30), "the second ERP dispute closed");

        // A person resolves the first: that the ERP learns.
        var resolvedAt = Later(system);
        await Act(carla, path, $"/disputes/{first}/resolution", new { resolution = "credit-note", comment = "10% credit note agreed" });
        var (_, resolved) = Assert.Single(await Told(ErpTopology.DisputeChangedExchange, customer, _ => true, "the ERP's dispute resolved by a person"));
        Common(resolved, name);
        Assert.Equal(first, resolved.GetProperty("disputeId").GetString());
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Absent(resolved, "category");
        Assert.Equal("credit-note", resolved.GetProperty("resolution").GetString());
        Assert.Equal("10% credit note agreed", resolved.GetProperty("comment").GetString());
        Assert.Equal(Owed(name, ("F1", 1200m)), InvoicesOf(resolved));
        Assert.True(resolved.GetProperty("awaitCorrectionUntil").GetDateTimeOffset() > resolvedAt);
        Assert.Equal("carla", resolved.GetProperty("by").GetString());
        Assert.Equal(resolvedAt, resolved.GetProperty("at").GetDateTimeOffset());

        // Told in order: once the resolution is out, the ERP's own openings and closing were passed over, never told.
        var told = (await system.Erp.NotificationsOn(ErpTopology.DisputeChangedExchange)).Where(n => n.Body.GetProperty("customerId").GetString() == customer).ToList();
        Assert.Single(told);
        Assert.DoesNotContain(told, n => n.Body.GetProperty("disputeId").GetString() == second);
    }
}
