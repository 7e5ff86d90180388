using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Relance.Integration.Tests.Infrastructure;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests.Scenarios;

/// <summary>
/// People in the loop, end to end: the real services, broker, database and SMTP capture, the clock moved day by day,
/// and what a collector or a manager does through the API (a call logged, a promise, a payment plan, a dispute and
/// its resolution, a hold, an approval refused) changing the schedule of one invoice F-1 of 1,200 EUR due on 1 April
/// 2026, checked against the exact actions of its proof trail. Until the first call (2 April) the case follows the
/// default French plan (<see cref="DunningScenarioTests"/>); the policy's defaults hold: promise and instalment grace
/// 3 days, a resent invoice 8 days to be paid, a correction awaited 15 days, an unanswered call back the next morning.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Scenario")]
public sealed class HumanLoopScenarioTests(TestInfrastructure infrastructure)
{
    static readonly DateOnly Due = new(2026, 4, 1);
    const string Carla = "carla", Marc = "marc";
    const string Collector = RelanceRoles.Collector, Manager = RelanceRoles.Manager;
    static readonly TimeSpan Paris = TimeSpan.FromHours(2); // summer time, from 29 March

    // Up to the first call, 2 April.
    static readonly string[] UpToTheFirstCall =
    [
        "2026-03-22 courtesy-reminder-1 email [F-1]",
        "2026-03-29 courtesy-reminder-2 email [F-1]",
        "2026-04-02 first-call phone [F-1]",
    ];

    Task<DunningScenario> Start() => DunningScenario.StartAsync(infrastructure, DunningScenario.OnlyTheDailyRuns);

    /// <summary>One invoice, the days run to its first call (2 April, 10:00 in Paris), waiting in the collectors' queue.</summary>
    async Task<DunningScenario> AtTheFirstCall()
    {
        var s = await Start();
        await s.DescribeCustomer();
        await s.Invoice("F-1", Due, 1200m);
        await s.RunDays(40, async () => (await s.Actions()).Count >= 3);
        Assert.Equal(UpToTheFirstCall, await s.Actions());
        return s;
    }

    static string Text(JsonElement e, string property) => e.GetProperty("data").GetProperty(property).GetString()!;
    static decimal Amount(JsonElement e, string property) => e.GetProperty("data").GetProperty(property).GetDecimal();

    /// <summary>What each reminder of this step asked for on F-1.</summary>
    static async Task<decimal[]> Owed(DunningScenario s, string step) =>
        [.. (await s.Events("reminder_requested")).Where(e => Text(e, "step") == step)
            .Select(e => e.GetProperty("data").GetProperty("invoices")[0].GetProperty("outstanding").GetDecimal())];

    [Fact]
    public async Task A_call_unanswered_comes_back_the_next_morning_and_a_promise_kept_before_its_deadline_closes_the_case()
    {
        await using var s = await AtTheFirstCall();
        var call = await s.FirstCallId();
        Assert.Equal(call, Assert.Single(await s.WorkQueue()).GetProperty("callId").GetGuid());

        // Nobody answers: the call leaves today's queue and comes back tomorrow at 09:00.
        await s.Act(Carla, Collector, "/calls", new { callId = call, outcome = "no-answer" });
        Assert.Empty(await s.WorkQueue());
        await s.RunDays(1); // 3 April
        var again = Assert.Single(await s.WorkQueue());
        Assert.Equal((call, 1, "no-answer", new DateTimeOffset(2026, 4, 3, 9, 0, 0, Paris)),
            (again.GetProperty("callId").GetGuid(), again.GetProperty("attempts").GetInt32(), again.GetProperty("lastOutcome").GetString(), again.GetProperty("dueAt").GetDateTimeOffset()));

        // Reached: the customer promises everything by 8 April; the chase waits until 12 April, 09:00 (3 days' grace).
        await s.Act(Carla, Collector, "/calls", new { callId = call, outcome = "promise", notes = "virement le 8", promise = new { amount = 1200m, promisedFor = "2026-04-08" } });
        Assert.Empty(await s.WorkQueue());
        var promise = (await s.Case())!.Value.GetProperty("promise");
        Assert.Equal(new DateTimeOffset(2026, 4, 12, 9, 0, 0, Paris), promise.GetProperty("deadlineAt").GetDateTimeOffset());
        Assert.Equal(promise.GetProperty("deadlineAt").GetDateTimeOffset(), (await s.Case())!.Value.GetProperty("nextActionAt").GetDateTimeOffset());

        await s.RunDays(4); // 7 April
        await s.Payment("F-1", 1200m);
        var kept = Assert.Single(await s.Events("payment_promise_kept"));
        Assert.Equal(("2026-04-07", 1200m), (DunningScenario.Day(kept.GetProperty("data").GetProperty("at")), Amount(kept, "paid")));
        Assert.Equal("Closed", (await s.Case())!.Value.GetProperty("status").GetString());

        await s.RunDays(20);
        Assert.Equal(UpToTheFirstCall, await s.Actions());
        Assert.Empty(await s.Events("payment_promise_broken"));
    }

    [Fact]
    public async Task A_promise_broken_by_a_partial_payment_resumes_the_ladder_the_morning_after_the_grace_period()
    {
        await using var s = await AtTheFirstCall();
        // Promised for 9 April: broken on 13 April at 09:00 (9 + 3 days' grace, the morning after), unless 1,200 came.
        await s.Act(Carla, Collector, "/calls", new { callId = await s.FirstCallId(), outcome = "promise", promise = new { amount = 1200m, promisedFor = "2026-04-09" } });
        await s.RunDays(6); // 8 April
        await s.Payment("F-1", 500m);
        Assert.Empty(await s.Events("payment_promise_kept"));
        await s.RunDays(4, async () => (await s.Events("payment_promise_broken")).Length > 0);
        Assert.Equal(new DateOnly(2026, 4, 12), s.Today); // nothing yet on the last day of grace, nor at the email reminder's own date (10 April)
        Assert.Equal(UpToTheFirstCall, await s.Actions());

        await s.RunDays(20, async () => (await s.Actions()).Count >= 7);
        var broken = Assert.Single(await s.Events("payment_promise_broken"));
        Assert.Equal(("2026-04-13", 1200m, 500m), (DunningScenario.Day(broken.GetProperty("data").GetProperty("at")), Amount(broken, "promised"), Amount(broken, "paid")));
        Assert.Equal(
        [
            .. UpToTheFirstCall,
            "2026-04-13 email-reminder email [F-1]", // the same morning as the promise broken
            "2026-04-20 second-call phone [F-1]",
            "2026-04-27 reminder-letter letter [F-1]",
            "2026-04-27 reminder-letter email [F-1]",
        ], await s.Actions());
        Assert.Equal([700m], await Owed(s, "email-reminder"));
    }

    [Fact]
    public async Task A_dispute_rejected_after_weeks_resumes_the_chase_at_the_next_step_at_once()
    {
        await using var s = await AtTheFirstCall();
        var opened = await s.Act(Carla, Collector, "/disputes", new { reason = "quality", comment = "livraison incomplète selon le client" });
        var disputeId = opened.GetProperty("result").GetProperty("disputeId").GetString();
        Assert.Equal(JsonValueKind.Null, (await s.Case())!.Value.GetProperty("nextActionAt").ValueKind);
        Assert.Empty(await s.WorkQueue()); // the first call is about a contested invoice only: not made

        await s.RunDays(20); // 22 April: the email reminder (10 April) and the second call (17 April) not taken
        Assert.Equal(UpToTheFirstCall, await s.Actions());

        await s.Act(Carla, Collector, $"/disputes/{disputeId}/resolution", new { resolution = "rejected", comment = "bon de livraison signé" });
        await s.Tick();
        await s.RunDays(7);
        Assert.Equal([.. UpToTheFirstCall, "2026-04-22 email-reminder email [F-1]", "2026-04-29 second-call phone [F-1]"], await s.Actions());
    }

    [Fact]
    public async Task A_dispute_resolved_by_a_credit_note_resumes_the_chase_on_what_remains_when_the_erp_sends_it()
    {
        await using var s = await AtTheFirstCall();
        var disputeId = (await s.Act(Carla, Collector, "/disputes", new { reason = "wrong-amount", comment = "remise oubliée" })).GetProperty("result").GetProperty("disputeId").GetString();
        await s.RunDays(10); // 12 April
        await s.Act(Carla, Collector, $"/disputes/{disputeId}/resolution", new { resolution = "credit-note", comment = "avoir de 200 € accordé" });
        // The invoice waits for the credit note, 15 days at most (27 April), not chased meanwhile.
        var invoice = (await s.Case())!.Value.GetProperty("openInvoices")[0];
        Assert.Equal(new DateTimeOffset(2026, 4, 27, 9, 0, 0, Paris), invoice.GetProperty("awaitingCorrectionUntil").GetDateTimeOffset());
        await s.RunDays(2); // 14 April
        Assert.Equal(UpToTheFirstCall, await s.Actions());

        await s.CreditNote("F-1", 200m);
        await s.Tick();
        await s.RunDays(7);
        Assert.Equal([.. UpToTheFirstCall, "2026-04-14 email-reminder email [F-1]", "2026-04-21 second-call phone [F-1]"], await s.Actions());
        Assert.Equal([1000m], await Owed(s, "email-reminder"));
        Assert.Equal(1000m, (await s.Case())!.Value.GetProperty("openInvoices")[0].GetProperty("outstanding").GetDecimal());
        Assert.Empty(await s.Events("invoice_correction_not_received"));
    }

    [Fact]
    public async Task A_dispute_resolved_by_a_corrected_invoice_the_erp_never_sends_is_chased_again_after_the_wait()
    {
        await using var s = await AtTheFirstCall();
        var disputeId = (await s.Act(Carla, Collector, "/disputes", new { reason = "wrong-amount" })).GetProperty("result").GetProperty("disputeId").GetString();
        await s.RunDays(4); // 6 April
        await s.Act(Carla, Collector, $"/disputes/{disputeId}/resolution", new { resolution = "corrected-invoice", comment = "facture rectificative à émettre" });
        // 15 days to receive it: 21 April, 09:00.
        await s.RunDays(30, async () => (await s.Events("invoice_correction_not_received")).Length > 0);
        var lapsed = Assert.Single(await s.Events("invoice_correction_not_received"));
        Assert.Equal(("2026-04-21", "F-1", disputeId), (DunningScenario.Day(lapsed.GetProperty("data").GetProperty("at")), Text(lapsed, "invoiceNumber"), Text(lapsed, "disputeId")));
        await s.RunDays(7);
        Assert.Equal([.. UpToTheFirstCall, "2026-04-21 email-reminder email [F-1]", "2026-04-28 second-call phone [F-1]"], await s.Actions());
        Assert.Equal([1200m], await Owed(s, "email-reminder"));
    }

    [Fact]
    public async Task An_invoice_not_received_is_sent_again_and_the_ladder_waits_eight_days_without_climbing()
    {
        await using var s = await AtTheFirstCall();
        var level = (await s.Case())!.Value.GetProperty("openInvoices")[0].GetProperty("level").GetInt32();
        await s.Act(Carla, Collector, "/calls", new { callId = await s.FirstCallId(), outcome = "dispute", dispute = new { reason = "not-received" }, notes = "jamais reçue, dit la comptable" });
        await s.Settled();

        // Sent again at once by email, with its number, its level unchanged; held until 10 April included.
        var mail = await Eventually.Get(async () => (await new MailCapture(infrastructure.SmtpCapture).To(s.BillingEmail)).SingleOrDefault(m => m.Subject.Contains("Nouvel envoi")),
            TimeSpan.FromSeconds(30), "the invoice sent again");
        Assert.Contains("F-1", mail.Subject);
        Assert.Contains("F-1", mail.Text);
        var invoice = (await s.Case())!.Value.GetProperty("openInvoices")[0];
        Assert.Equal(level, invoice.GetProperty("level").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 4, 11, 9, 0, 0, Paris), invoice.GetProperty("hold").GetProperty("resumesAt").GetDateTimeOffset());
        Assert.Empty((await s.Case())!.Value.GetProperty("disputes").EnumerateArray()); // resolved by sending it again

        await s.RunDays(8); // 10 April: the email reminder's own date passes, the hold stands
        Assert.Equal([.. UpToTheFirstCall, "2026-04-02 invoice-resend email [F-1]"], await s.Actions());
        await s.RunDays(8);
        var lifted = Assert.Single(await s.Events("invoice_hold_lifted"));
        Assert.Equal(("2026-04-11", "system"), (DunningScenario.Day(lifted.GetProperty("data").GetProperty("liftedAt")), Text(lifted, "by")));
        Assert.Equal([.. UpToTheFirstCall, "2026-04-02 invoice-resend email [F-1]", "2026-04-11 email-reminder email [F-1]", "2026-04-18 second-call phone [F-1]"],
            await s.Actions());
    }

    [Fact]
    public async Task A_payment_plan_with_its_second_instalment_missed_breaks_after_the_grace_period_and_the_ladder_resumes()
    {
        await using var s = await AtTheFirstCall();
        await s.Act(Carla, Collector, "/calls", new { callId = await s.FirstCallId(), outcome = "reached", notes = "trésorerie tendue, propose deux échéances" });
        await s.Act(Carla, Collector, "/payment-plan", new
        {
            reason = "trésorerie tendue",
            instalments = new[] { new { dueDate = "2026-04-08", amount = 600m }, new { dueDate = "2026-04-20", amount = 600m } },
        });
        Assert.Equal(new DateTimeOffset(2026, 4, 12, 9, 0, 0, Paris), (await s.Case())!.Value.GetProperty("nextActionAt").GetDateTimeOffset());

        await s.RunDays(5); // 7 April: the first instalment paid on time
        await s.Payment("F-1", 600m);
        var paid = Assert.Single(await s.Events("instalment_paid"));
        Assert.Equal((1, "2026-04-07"), (paid.GetProperty("data").GetProperty("number").GetInt32(), DunningScenario.Day(paid.GetProperty("data").GetProperty("at"))));
        // The second due 20 April, missed: broken on 24 April at 09:00 (20 + 3 days' grace, the morning after).
        Assert.Equal(new DateTimeOffset(2026, 4, 24, 9, 0, 0, Paris), (await s.Case())!.Value.GetProperty("nextActionAt").GetDateTimeOffset());

        await s.RunDays(40, async () => (await s.Actions()).Count >= 7);
        var broken = Assert.Single(await s.Events("payment_plan_broken"));
        Assert.Equal(("2026-04-24", 2, 1200m, 600m), (DunningScenario.Day(broken.GetProperty("data").GetProperty("at")),
            broken.GetProperty("data").GetProperty("missedInstalment").GetInt32(), Amount(broken, "dueToDate"), Amount(broken, "paidToDate")));
        Assert.Equal(
        [
            .. UpToTheFirstCall,
            "2026-04-24 email-reminder email [F-1]", // the same morning
            "2026-05-01 second-call phone [F-1]",
            "2026-05-08 reminder-letter letter [F-1]",
            "2026-05-08 reminder-letter email [F-1]",
        ], await s.Actions());
        Assert.Equal([600m], await Owed(s, "email-reminder"));
    }

    [Fact]
    public async Task A_hold_set_by_a_collector_ends_by_itself_the_morning_after_and_the_ladder_resumes()
    {
        await using var s = await AtTheFirstCall();
        await s.Act(Carla, Collector, "/calls", new { callId = await s.FirstCallId(), outcome = "reached", notes = "audit interne en cours, rappeler après le 15" });
        await s.Act(Carla, Collector, "/holds", new { reason = "audit interne du client", until = "2026-04-15" });
        Assert.Equal(new DateTimeOffset(2026, 4, 16, 9, 0, 0, Paris), (await s.Case())!.Value.GetProperty("nextActionAt").GetDateTimeOffset());

        await s.RunDays(13); // 15 April, the hold's last day: the email reminder (10 April) waits
        Assert.Equal(UpToTheFirstCall, await s.Actions());
        Assert.Empty(await s.Events("case_hold_lifted"));
        await s.RunDays(15); // 30 April
        var lifted = Assert.Single(await s.Events("case_hold_lifted"));
        Assert.Equal(("2026-04-16", "system"), (DunningScenario.Day(lifted.GetProperty("data").GetProperty("liftedAt")), Text(lifted, "by")));
        Assert.Equal(
        [
            .. UpToTheFirstCall,
            "2026-04-16 email-reminder email [F-1]", // the morning the hold ends
            "2026-04-23 second-call phone [F-1]",
            "2026-04-30 reminder-letter letter [F-1]",
            "2026-04-30 reminder-letter email [F-1]",
        ], await s.Actions());
    }

    [Fact]
    public async Task A_formal_notice_refused_stops_the_ladder_until_a_manager_takes_the_case_back_a_level()
    {
        await using var s = await Start();
        await s.DescribeCustomer();
        await s.Invoice("F-1", Due, 1200m);
        await s.RunUntilApprovalAwaited(100); // 14 May
        Assert.Equal("2026-05-14 formal-notice awaits approval", (await s.Actions())[^1]);

        var marc = s.As(Marc, Manager);
        async Task<JsonElement[]> Pending() =>
            [.. (await marc.GetFromJsonAsync<JsonElement[]>("/approvals?companyId=ACME"))!.Where(p => p.GetProperty("customerId").GetString() == s.Customer)];
        var pending = Assert.Single(await Pending());
        Assert.Equal(("formal-notice", 1200m), (pending.GetProperty("step").GetString(), pending.GetProperty("owed").GetDecimal()));
        var approval = $"/approvals/{pending.GetProperty("actionId").GetGuid()}";

        // A collector may neither approve nor refuse; a refusal says why.
        Assert.Equal(HttpStatusCode.Forbidden, (await s.TryAct(Carla, Collector, approval, new { approve = true })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await s.TryAct(Marc, Manager, approval, new { approve = false })).StatusCode);
        await s.Act(Marc, Manager, approval, new { approve = false, comment = "client stratégique : appeler le dirigeant d'abord" });
        Assert.Empty(await Pending());

        await s.RunDays(20); // 3 June: nothing more
        var refused = Assert.Single(await s.Events("action_refused"));
        Assert.Equal("client stratégique : appeler le dirigeant d'abord", Text(refused, "reason"));
        var stopped = await s.Actions();
        Assert.Equal(["2026-05-04 warning-letter letter [F-1]", "2026-05-14 formal-notice awaits approval", "2026-05-14 formal-notice refused"], stopped.TakeLast(3));

        // Back a level, to the reminder letter: the warning letter again ten days later, then the formal notice asked again.
        Assert.Equal(HttpStatusCode.Forbidden, (await s.TryAct(Carla, Collector, "/actions/go-back", new { reason = "le client coopère" })).StatusCode);
        await s.Act(Marc, Manager, "/actions/go-back", new { reason = "le dirigeant promet un règlement, dernier avertissement" });
        await s.RunUntilApprovalAwaited(25);
        Assert.Equal([.. stopped, "2026-06-13 warning-letter letter [F-1]", "2026-06-23 formal-notice awaits approval"], await s.Actions());
        Assert.Single(await Pending());
    }
}
