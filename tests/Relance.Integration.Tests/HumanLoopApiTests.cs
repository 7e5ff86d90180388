using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Relance.Integration.Tests.Infrastructure;
using Relance.ReminderService.DunningCases.TakingDueActions;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests;

/// <summary>
/// The people's API of the Reminder service on the real services, broker and database: the work queue, calls,
/// promises, payment plans, holds, disputes, manual actions and approvals, with their roles and their bad inputs.
/// One system for the class: each test works on a customer of its own, every one with an invoice of 1,200 EUR due on
/// 31 October 2026 whose first call (D+1) is waiting when the tests start, on 2 November at 09:00 in Paris.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class HumanLoopApiTests(TestInfrastructure infrastructure, HumanLoopApiTests.SharedSystem shared) : IClassFixture<HumanLoopApiTests.SharedSystem>
{
    public const string Company = "ACME";
    static readonly string[] Customers = ["queue", "call", "promise", "plan", "hold", "dispute", "manual", "writeoff", "stale", "old"];

    public sealed class SharedSystem : Infrastructure.SharedSystem
    {
        public string Run { get; } = Guid.NewGuid().ToString("N")[..6];

        public string Customer(string name) => $"{name}-{Run}";
        public string CasePath(string name) => $"/cases/{Company}/{Customer(name)}/EUR";


        protected override async Task<RelanceSystem> Start(TestInfrastructure infrastructure)
        {
            var system = await RelanceSystem.StartAsync(infrastructure, new DateTimeOffset(2026, 10, 20, 6, 0, 0, TimeSpan.Zero),
                Service.Invoice, Service.Reminder, Service.Correspondence);
            var admin = system.AsUser(Service.Reminder, "admin", [RelanceRoles.Admin]);
            foreach (var name in Customers)
            {
                await system.Erp.PublishAsync(Relance.Contracts.Erp.ErpTopology.CustomerUpsertedRoutingKey, JsonSerializer.Serialize(new
                {
                    companyId = Company, customerId = Customer(name), legalName = $"Client {name}", siren = "732829320",
                    addresses = new[] { new { kind = "billing", lines = new[] { "12 rue des Lilas" }, postalCode = "69003", city = "Lyon", country = "FR" } },
                    contacts = new[] { new { role = "billing", name = "Anne Martin", email = $"anne.{name}@client.test", phone = "+33472000001" } },
                }), $"cust-{Customer(name)}");
                await system.Erp.PublishInvoiceAsync(new
                {
                    companyId = Company,
                    invoiceNumber = $"{Customer(name)}-F1",
                    customer = new { customerId = Customer(name), name = $"Client {name}", email = $"anne.{name}@client.test" },
                    issueDate = name == "old" ? "2026-05-02" : "2026-10-01",
                    // "old" was due in June: 140 days overdue when first seen, more than the plan chases by itself.
                    dueDate = name == "old" ? "2026-06-01" : "2026-10-31",
                    amountExcludingVat = 1000m,
                    amountIncludingVat = 1200m,
                    currency = "EUR",
                }, $"inv-{Customer(name)}");
            }
            // The customer's description and its invoice reach the Reminder service apart: wait for both.
            foreach (var name in Customers)
                await Eventually.Until(async () =>
                {
                    var response = await admin.GetAsync(CasePath(name));
                    return response.IsSuccessStatusCode
                        && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customer").GetProperty("contacts").GetArrayLength() > 0;
                }, TimeSpan.FromSeconds(60), $"the case of {name}, with its contacts");
            system.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
            await system.Services(Service.Reminder).GetRequiredService<ReminderScheduler>().RunOnceAsync(CancellationToken.None);
            return system;
        }

    }

    async Task<RelanceSystem> System() => await shared.Get(infrastructure);
    async Task<HttpClient> As(string user, string role, string company = Company) => (await System()).AsUser(Service.Reminder, user, [role], company);
    Task<HttpClient> Collector() => As("carla", RelanceRoles.Collector);
    Task<HttpClient> Manager() => As("marc", RelanceRoles.Manager);

    static async Task<(JsonElement Case, string ETag)> Read(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.ETag!.Tag);
    }

    /// <summary>POSTs (or PUTs) a command on the version of the case just read.</summary>
    static async Task<HttpResponseMessage> Act(HttpClient client, string casePath, string action, object body, HttpMethod? method = null, string? ifMatch = null)
    {
        var etag = ifMatch ?? (await Read(client, casePath)).ETag;
        var request = new HttpRequestMessage(method ?? HttpMethod.Post, $"{casePath}{action}") { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        return await client.SendAsync(request);
    }

    static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    static async Task FieldError(HttpResponseMessage response, string field)
    {
        var problem = await Problem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error on {field}: {problem}");
    }

    [Fact]
    public async Task The_work_queue_lists_the_calls_due_with_the_case_its_invoices_its_history_and_a_script_and_follows_assignment()
    {
        var carla = await Collector();
        var path = shared.CasePath("queue");
        var unassigned = await carla.GetFromJsonAsync<JsonElement[]>($"/work-queue?companyId={Company}&assignee=unassigned");
        var call = Assert.Single(unassigned!, c => c.GetProperty("customerId").GetString() == shared.Customer("queue"));
        Assert.Equal("first-call", call.GetProperty("step").GetString());
        Assert.Equal(1200m, call.GetProperty("total").GetDecimal());
        Assert.Equal(2, Assert.Single(call.GetProperty("invoices").EnumerateArray()).GetProperty("daysLate").GetInt32());
        // French figures: thin no-break space between thousands.
        Assert.Contains(call.GetProperty("script").EnumerateArray(), l => l.GetString()!.Replace('\u202F', ' ').Replace('\u00A0', ' ').Contains("facture n° " + shared.Customer("queue") + "-F1, échue le 31 octobre 2026, 1 200,00 EUR, 2 jours de retard"));
        Assert.Contains(call.GetProperty("history").EnumerateArray(), h => h.GetProperty("what").GetString()!.StartsWith("first-call by phone"));

        Assert.Equal(HttpStatusCode.OK, (await Act(carla, path, "/collector", new { assignee = "carla" }, HttpMethod.Put)).StatusCode);
        var mine = await carla.GetFromJsonAsync<JsonElement[]>($"/work-queue?companyId={Company}");
        var callId = Assert.Single(mine!, c => c.GetProperty("customerId").GetString() == shared.Customer("queue")).GetProperty("callId").GetGuid();

        Assert.Equal(HttpStatusCode.OK, (await Act(carla, path, $"/calls/{callId}/assignee", new { assignee = "bruno" }, HttpMethod.Put)).StatusCode);
        Assert.DoesNotContain((await carla.GetFromJsonAsync<JsonElement[]>($"/work-queue?companyId={Company}"))!, c => c.GetProperty("callId").GetGuid() == callId);
        Assert.Contains((await carla.GetFromJsonAsync<JsonElement[]>($"/work-queue?companyId={Company}&assignee=bruno"))!, c => c.GetProperty("callId").GetGuid() == callId);

        // An auditor reads cases but has no work queue; another company's user sees nothing of ACME's.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await As("aude", RelanceRoles.Auditor)).GetAsync($"/work-queue?companyId={Company}")).StatusCode);
        await Problem(await (await As("olga", RelanceRoles.Collector, "OTHER")).GetAsync($"/work-queue?companyId={Company}"), HttpStatusCode.Forbidden);
        await FieldError(await carla.GetAsync("/work-queue"), "companyId");
    }

    [Fact]
    public async Task A_logged_call_is_recorded_with_who_and_when_and_takes_the_call_out_of_the_queue()
    {
        var carla = await Collector();
        var path = shared.CasePath("call");
        var (before, _) = await Read(carla, path);
        var callId = Assert.Single(before.GetProperty("calls").EnumerateArray()).GetProperty("callId").GetGuid();

        await FieldError(await Act(carla, path, "/calls", new { callId, outcome = "shouted" }), "outcome");
        await FieldError(await Act(carla, path, "/calls", new { callId, outcome = "call-back" }), "callBackAt");
        await FieldError(await Act(carla, path, "/calls", new { callId, outcome = "call-back", callBackAt = "2026-11-01T10:00:00+01:00" }), "callBackAt");
        await Problem(await Act(carla, path, "/calls", new { callId = Guid.NewGuid(), outcome = "reached" }), HttpStatusCode.Conflict);

        var logged = await Act(carla, path, "/calls", new { callId, outcome = "reached", notes = "the payment is scheduled", nextStep = "check on Friday" });
        Assert.Equal(HttpStatusCode.OK, logged.StatusCode);
        var (after, etag) = await Read(carla, path);
        Assert.Equal(logged.Headers.ETag!.Tag, etag);
        Assert.Empty(after.GetProperty("calls").EnumerateArray());
        Assert.Equal(callId, Assert.Single(after.GetProperty("callsMade").EnumerateArray()).GetGuid());

        var trail = await carla.GetFromJsonAsync<JsonElement[]>($"{path}/events");
        var entry = Assert.Single(trail!, e => e.GetProperty("type").GetString() == "call_logged");
        Assert.Equal("user:carla", entry.GetProperty("actor").GetString());
        Assert.Equal("carla", entry.GetProperty("data").GetProperty("by").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero), entry.GetProperty("data").GetProperty("at").GetDateTimeOffset());
        // Auditors read, they do not act.
        await Problem(await Act(await As("aude", RelanceRoles.Auditor), path, "/notes", new { text = "seen" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_promise_is_refused_in_the_past_above_what_is_owed_or_twice_and_pauses_the_chase_until_its_deadline()
    {
        var carla = await Collector();
        var path = shared.CasePath("promise");
        await FieldError(await Act(carla, path, "/promises", new { amount = 500m, promisedFor = "2026-10-30" }), "promisedFor");
        await FieldError(await Act(carla, path, "/promises", new { amount = 5000m, promisedFor = "2026-11-10" }), "amount");
        await FieldError(await Act(carla, path, "/promises", new { promisedFor = "2026-11-10" }), "amount");
        await FieldError(await Act(carla, path, "/promises", new { amount = 1200m, promisedFor = "2026-11-10", invoices = new[] { "NOPE" } }), "invoices[0]");

        Assert.Equal(HttpStatusCode.OK, (await Act(carla, path, "/promises", new { amount = 1200m, promisedFor = "2026-11-10", notes = "by transfer" })).StatusCode);
        var (state, _) = await Read(carla, path);
        Assert.Equal("2026-11-14T09:00:00+01:00", state.GetProperty("promise").GetProperty("deadlineAt").GetString());
        Assert.Equal("2026-11-14T09:00:00+01:00", state.GetProperty("nextActionAt").GetString());
        await Problem(await Act(carla, path, "/promises", new { amount = 100m, promisedFor = "2026-11-12" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_payment_plan_must_add_up_to_what_is_owed_with_dates_ahead_and_in_order()
    {
        var carla = await Collector();
        var path = shared.CasePath("plan");
        await FieldError(await Act(carla, path, "/payment-plan", new { instalments = new[] { new { dueDate = "2026-11-15", amount = 600m } } }), "reason");
        await FieldError(await Act(carla, path, "/payment-plan", new { reason = "cash flow", instalments = Array.Empty<object>() }), "instalments");
        await FieldError(await Act(carla, path, "/payment-plan", new { reason = "cash flow", instalments = new[] { new { dueDate = "2026-11-15", amount = 600m }, new { dueDate = "2026-12-15", amount = 500m } } }), "instalments");
        await FieldError(await Act(carla, path, "/payment-plan", new { reason = "cash flow", instalments = new[] { new { dueDate = "2026-12-15", amount = 600m }, new { dueDate = "2026-11-15", amount = 600m } } }), "instalments[1].dueDate");
        await FieldError(await Act(carla, path, "/payment-plan", new { reason = "cash flow", instalments = new[] { new { dueDate = "2026-10-15", amount = 600m }, new { dueDate = "2026-11-15", amount = 600m } } }), "instalments[0].dueDate");

        var agreed = await Act(carla, path, "/payment-plan", new { reason = "cash flow", instalments = new[] { new { dueDate = "2026-11-15", amount = 600m }, new { dueDate = "2026-12-15", amount = 600m } } });
        Assert.Equal(HttpStatusCode.OK, agreed.StatusCode);
        var (state, _) = await Read(carla, path);
        Assert.Equal(2, state.GetProperty("paymentPlan").GetProperty("instalments").GetArrayLength());
        Assert.Equal("2026-11-19T09:00:00+01:00", state.GetProperty("nextActionAt").GetString());
    }

    [Fact]
    public async Task Holds_need_a_reason_and_a_date_ahead_and_lift_with_a_reason()
    {
        var carla = await Collector();
        var path = shared.CasePath("hold");
        await FieldError(await Act(carla, path, "/holds", new { until = "2026-11-20" }), "reason");
        await FieldError(await Act(carla, path, "/holds", new { reason = "audit", until = "2026-10-20" }), "until");
        await FieldError(await Act(carla, path, "/holds", new { reason = "audit", until = "2026-11-20", invoiceNumber = "NOPE" }), "invoiceNumber");
        await Problem(await Act(carla, path, "/holds/lift", new { reason = "done" }), HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.OK, (await Act(carla, path, "/holds", new { reason = "customer audit", until = "2026-11-20" })).StatusCode);
        var (held, _) = await Read(carla, path);
        Assert.Equal("carla", held.GetProperty("personHold").GetProperty("by").GetString());
        Assert.Equal("2026-11-21T09:00:00+01:00", held.GetProperty("nextActionAt").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Act(carla, path, "/holds/lift", new { reason = "audit over early" })).StatusCode);
        Assert.Equal(JsonValueKind.Null, (await Read(carla, path)).Case.GetProperty("personHold").ValueKind);
    }

    [Fact]
    public async Task Disputes_take_a_known_reason_and_are_resolved_by_their_id()
    {
        var carla = await Collector();
        var path = shared.CasePath("dispute");
        await FieldError(await Act(carla, path, "/disputes", new { reason = "grumpy" }), "reason");
        await FieldError(await Act(carla, path, "/disputes", new { reason = "quality", invoices = new[] { "NOPE" } }), "invoices[0]");
        await Problem(await Act(carla, path, "/disputes/D-unknown/resolution", new { resolution = "rejected" }), HttpStatusCode.Conflict);

        var opened = await Act(carla, path, "/disputes", new { reason = "quality", comment = "the delivery was incomplete" });
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var disputeId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetProperty("disputeId").GetString();
        var (disputed, _) = await Read(carla, path);
        Assert.Equal("quality", Assert.Single(disputed.GetProperty("disputes").EnumerateArray()).GetProperty("category").GetString());
        Assert.Equal(JsonValueKind.Null, disputed.GetProperty("nextActionAt").ValueKind);

        await FieldError(await Act(carla, path, $"/disputes/{disputeId}/resolution", new { resolution = "shrug" }), "resolution");
        Assert.Equal(HttpStatusCode.OK, (await Act(carla, path, $"/disputes/{disputeId}/resolution", new { resolution = "rejected", comment = "delivery note signed" })).StatusCode);
        var (resolved, _) = await Read(carla, path);
        Assert.Empty(resolved.GetProperty("disputes").EnumerateArray());
        Assert.NotEqual(JsonValueKind.Null, resolved.GetProperty("nextActionAt").ValueKind);
    }

    [Fact]
    public async Task Manual_actions_need_a_reason_and_the_approval_steps_and_going_back_need_a_manager()
    {
        var carla = await Collector();
        var marc = await Manager();
        var path = shared.CasePath("manual");
        await FieldError(await Act(carla, path, "/actions/send-now", new { step = "email-reminder" }), "reason");
        await FieldError(await Act(carla, path, "/actions/send-now", new { step = "no-such-step", reason = "x" }), "step");
        await Problem(await Act(carla, path, "/actions/send-now", new { step = "formal-notice", reason = "urgent" }), HttpStatusCode.Forbidden);
        await Problem(await Act(carla, path, "/actions/go-back", new { reason = "too fast" }), HttpStatusCode.Forbidden);
        await FieldError(await Act(carla, path, "/notes", new { text = " " }), "text");
        Assert.Equal(HttpStatusCode.OK, (await Act(carla, path, "/notes", new { text = "the director is on leave until the 10th" })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await Act(carla, path, "/actions/send-now", new { reason = "the customer asked for the details in writing" })).StatusCode);
        var requested = (await carla.GetFromJsonAsync<JsonElement[]>($"{path}/events"))!.Where(e => e.GetProperty("type").GetString() == "reminder_requested").ToList();
        Assert.Equal("email-reminder", requested[^1].GetProperty("data").GetProperty("step").GetString());
        Assert.Equal("carla", requested[^1].GetProperty("data").GetProperty("requestedBy").GetString());

        Assert.Equal(HttpStatusCode.OK, (await Act(carla, path, "/actions/skip", new { reason = "the account manager called already" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Act(marc, path, "/actions/go-back", new { toStep = "first-call", reason = "the customer is cooperating" })).StatusCode);
        Assert.Contains("email-reminder", (await Read(carla, path)).Case.GetProperty("nextAction").GetString());
        // Passing over a step needing approval is deciding it: a manager's.
        await Problem(await Act(carla, path, "/actions/skip", new { step = "formal-notice", reason = "no time" }), HttpStatusCode.Forbidden);
        var trail = (await carla.GetFromJsonAsync<JsonElement[]>($"{path}/events"))!;
        var skipped = trail.Single(e => e.GetProperty("type").GetString() == "step_skipped" && e.GetProperty("data").GetProperty("step").GetString() == "second-call");
        Assert.Equal("carla", skipped.GetProperty("data").GetProperty("by").GetString());
        var lowered = trail.Single(e => e.GetProperty("type").GetString() == "case_level_lowered").GetProperty("data");
        Assert.Equal(("first-call", "marc"), (lowered.GetProperty("toStep").GetString(), lowered.GetProperty("by").GetString()));
    }

    [Fact]
    public async Task A_write_off_needs_a_manager_and_closes_the_case()
    {
        var path = shared.CasePath("writeoff");
        await Problem(await Act(await Collector(), path, "/write-off", new { reason = "insolvent" }), HttpStatusCode.Forbidden);
        var marc = await Manager();
        await FieldError(await Act(marc, path, "/write-off", new { }), "reason");
        Assert.Equal(HttpStatusCode.OK, (await Act(marc, path, "/write-off", new { reason = "the customer is in liquidation" })).StatusCode);
        var (state, _) = await Read(marc, path);
        Assert.Equal("Closed", state.GetProperty("status").GetString());
        await Problem(await Act(marc, path, "/write-off", new { reason = "again" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_stale_version_an_absent_if_match_and_an_unknown_case_are_refused_and_nothing_is_recorded()
    {
        var carla = await Collector();
        var path = shared.CasePath("stale");
        var (_, etag) = await Read(carla, path);
        Assert.Equal(HttpStatusCode.OK, (await Act(carla, path, "/notes", new { text = "first" }, ifMatch: etag)).StatusCode);
        // The same request again, on the version it was made on: refused, so a retry never acts twice.
        await Problem(await Act(carla, path, "/notes", new { text = "first" }, ifMatch: etag), HttpStatusCode.PreconditionFailed);
        await Problem(await carla.PostAsJsonAsync($"{path}/notes", new { text = "no version" }), HttpStatusCode.PreconditionRequired);
        await Problem(await Act(carla, $"/cases/{Company}/nobody/EUR", "/notes", new { text = "x" }, ifMatch: "\"1\""), HttpStatusCode.NotFound);
        var trail = await carla.GetFromJsonAsync<JsonElement[]>($"{path}/events");
        Assert.Single(trail!, e => e.GetProperty("type").GetString() == "case_note_added");
    }

    [Fact]
    public async Task Pending_approvals_are_listed_per_company_only_to_its_people()
    {
        var marc = await Manager();
        await FieldError(await marc.GetAsync("/approvals"), "companyId");
        await Problem(await (await As("olga", RelanceRoles.Manager, "OTHER")).GetAsync($"/approvals?companyId={Company}"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await (await System()).Http(Service.Reminder).GetAsync($"/approvals?companyId={Company}")).StatusCode);
    }

    [Fact]
    public async Task Invoices_too_old_to_chase_by_themselves_are_listed_until_a_person_takes_them_over()
    {
        var carla = await Collector();
        var path = shared.CasePath("old");
        var left = await carla.GetFromJsonAsync<JsonElement[]>($"/left-to-people?companyId={Company}");
        var old = Assert.Single(left!, i => i.GetProperty("customerId").GetString() == shared.Customer("old"));
        Assert.Equal(shared.Customer("old") + "-F1", old.GetProperty("invoiceNumber").GetString());
        Assert.Equal(JsonValueKind.Null, (await Read(carla, path)).Case.GetProperty("nextActionAt").ValueKind);
        Assert.DoesNotContain(left!, i => i.GetProperty("customerId").GetString() == shared.Customer("queue"));

        await FieldError(await Act(carla, path, "/actions/take-over", new { }), "reason");
        await FieldError(await Act(carla, path, "/actions/take-over", new { reason = "solvent again", invoices = new[] { "NOPE" } }), "invoices[0]");
        Assert.Equal(HttpStatusCode.OK, (await Act(carla, path, "/actions/take-over", new { reason = "the customer is solvent again" })).StatusCode);
        Assert.DoesNotContain((await carla.GetFromJsonAsync<JsonElement[]>($"/left-to-people?companyId={Company}"))!, i => i.GetProperty("customerId").GetString() == shared.Customer("old"));
        Assert.NotEqual(JsonValueKind.Null, (await Read(carla, path)).Case.GetProperty("nextActionAt").ValueKind);
        await Problem(await Act(carla, path, "/actions/take-over", new { reason = "again" }), HttpStatusCode.Conflict);
    }
}
