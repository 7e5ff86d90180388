using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using JasperFx.Events.Daemon;
using Microsoft.Extensions.DependencyInjection;
using Relance.Contracts.Erp;
using Relance.Integration.Tests.Infrastructure;
using Relance.Testing;
using Relance.ReminderService.DunningCases.TakingDueActions;

namespace Relance.Integration.Tests.Scenarios;

/// <summary>
/// The dunning engine end to end: ERP messages in, the real Invoice, Reminder and Correspondence services on
/// the real broker, database and SMTP capture, the clock moved forward day by day over 100 days, and the
/// exact sequence of actions each case took checked against the default French plan (plans/standard.json).
/// </summary>
[Collection(ScenarioCollection.Name)]
[Trait("Category", "Scenario")]
public sealed class DunningScenarioTests(TestInfrastructure infrastructure)
{
    // F-1: issued on the first day, 2 March 2026, due 30 days later.
    static readonly DateOnly Due = new(2026, 4, 1);
    const int Days = 100;

    static readonly string[] Nominal =
    [
        "2026-03-22 courtesy-reminder-1 email [F-1]",
        "2026-03-29 courtesy-reminder-2 email [F-1]",
        "2026-04-02 first-call phone [F-1]",
        "2026-04-10 email-reminder email [F-1]",
        "2026-04-17 second-call phone [F-1]",
        "2026-04-24 reminder-letter letter [F-1]",
        "2026-04-24 reminder-letter email [F-1]",
        "2026-05-04 warning-letter letter [F-1]",
        "2026-05-14 formal-notice awaits approval",
    ];

    async Task<DunningScenario> Scenario(params string[] reminderArgs) => await DunningScenario.StartAsync(infrastructure, reminderArgs);

    async Task<DunningScenario> OneInvoice(decimal amount = 1200m)
    {
        var scenario = await Scenario();
        await scenario.DescribeCustomer();
        await scenario.Invoice("F-1", Due, amount);
        return scenario;
    }

    [Fact]
    public async Task Nominal_escalation_to_the_formal_notice_and_litigation_with_the_erp_told_of_the_claims_and_the_hand_over()
    {
        await using var s = await OneInvoice();
        await s.RunUntilApprovalAwaited(Days);
        Assert.Equal(Nominal, await s.Actions());
        await s.Approve();
        // The post: the notice posted that day, its acknowledgment of receipt signed two days later. The 8 days it
        // grants run from the signature: the hand-over is due on 25 May, a day after the plan's own 10 days.
        await s.TrackLetter("formal-notice", new { update = "posted", date = "2026-05-14", trackingNumber = "1A01234567890" }, "letter_posted");
        await s.RunDays(2);
        await s.TrackLetter("formal-notice", new { update = "acknowledged", date = "2026-05-16" }, "letter_receipt_acknowledged");
        await s.RunUntilApprovalAwaited(20);
        Assert.Contains("from its receipt (acknowledgment of receipt signed 2026-05-16)",
            (await s.Events("action_awaiting_approval")).Last().GetProperty("data").GetProperty("reason").GetString());
        await s.Approve();
        await s.RunDays(15);

        Assert.Equal([.. Nominal, "2026-05-14 formal-notice registered-letter [F-1]", "2026-05-25 litigation awaits approval", "2026-05-25 litigation handed over [F-1]"],
            await s.Actions());
        Assert.Equal("Litigation", (await s.Case())!.Value.GetProperty("status").GetString());

        async Task<IReadOnlyList<JsonElement>> Told(string exchange) =>
            [.. (await s.System.Erp.NotificationsOn(exchange)).Select(n => n.Body).Where(b => b.GetProperty("customerId").GetString() == s.Customer)];
        await Eventually.Until(async () => (await Told(ErpTopology.CaseHandedToLitigationExchange)).Count == 1, TimeSpan.FromSeconds(30), "the hand-over told to the ERP");
        // Claimed three times: the reminder letter, the warning letter, the formal notice; and with the hand-over.
        await Eventually.Until(async () => (await Told(ErpTopology.PenaltiesClaimedExchange)).Count == 4, TimeSpan.FromSeconds(30), "the claims told to the ERP");
        var notice = (await Told(ErpTopology.PenaltiesClaimedExchange)).Single(c => c.GetProperty("step").GetString() == "formal-notice");
        var claim = notice.GetProperty("claims")[0];
        // 1 April to 14 May: 43 days late, 12.15 % (ECB 2.15 % + 10 points, first half of 2026), 40 € indemnity.
        Assert.Equal((43, 12.15m, Math.Round(1200m * 0.1215m * 43 / 365, 2), 40m),
            (claim.GetProperty("daysLate").GetInt32(), claim.GetProperty("annualRatePercent").GetDecimal(), claim.GetProperty("penalty").GetDecimal(), claim.GetProperty("recoveryIndemnity").GetDecimal()));
        var actions = (await Told(ErpTopology.ReminderActionTakenExchange)).Select(a => $"{a.GetProperty("level").GetInt32()} {a.GetProperty("step").GetString()} {a.GetProperty("channel").GetString()}").ToList();
        Assert.Equal(["1 courtesy-reminder-1 email", "2 courtesy-reminder-2 email", "4 email-reminder email", "6 reminder-letter email", "6 reminder-letter letter", "7 warning-letter letter", "8 formal-notice registered-letter"],
            actions.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(1)] // after the first courtesy reminder
    [InlineData(2)] // after the second courtesy reminder
    [InlineData(3)] // after the first call
    [InlineData(4)] // after the email reminder
    [InlineData(5)] // after the second call
    [InlineData(7)] // after the reminder letter (letter and email copy)
    [InlineData(8)] // after the warning letter
    [InlineData(9)] // while the formal notice awaits approval
    public async Task A_payment_at_any_step_stops_everything(int actionsBeforePayment)
    {
        await using var s = await OneInvoice();
        await s.RunDays(Days, async () => (await s.Actions()).Count >= actionsBeforePayment);
        await s.Payment("F-1", 1200m);
        await s.RunDays(Days - (s.Today.DayNumber - new DateOnly(2026, 3, 2).DayNumber));
        Assert.Equal(Nominal.Take(actionsBeforePayment), await s.Actions());
        Assert.Equal("Closed", (await s.Case())!.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_payment_after_the_formal_notice_was_sent_stops_the_hand_over_to_litigation()
    {
        await using var s = await OneInvoice();
        await s.RunUntilApprovalAwaited(Days);
        await s.Approve();
        await s.RunDays(5);
        await s.Payment("F-1", 1200m);
        await s.RunDays(30);
        Assert.Equal([.. Nominal, "2026-05-14 formal-notice registered-letter [F-1]"], await s.Actions());
        Assert.Equal("Closed", (await s.Case())!.Value.GetProperty("status").GetString());
        Assert.DoesNotContain(await s.System.Erp.NotificationsOn(ErpTopology.CaseHandedToLitigationExchange), n => n.Body.GetProperty("customerId").GetString() == s.Customer);
    }

    [Fact]
    public async Task A_partial_payment_keeps_the_chase_going_on_what_remains()
    {
        await using var s = await OneInvoice();
        await s.RunDays(Days, async () => (await s.Actions()).Count >= 3);
        await s.Payment("F-1", 700m);
        await s.RunUntilApprovalAwaited(Days);
        Assert.Equal(Nominal, await s.Actions());
        var later = (await s.Events()).Where(e => e.GetProperty("type").GetString() == "reminder_requested").Skip(3)
            .Select(e => e.GetProperty("data").GetProperty("invoices")[0].GetProperty("outstanding").GetDecimal()).Distinct();
        Assert.Equal([500m], later);
    }

    [Fact]
    public async Task A_credit_note_shrinks_the_chase_and_a_second_one_ends_it()
    {
        await using var s = await OneInvoice();
        await s.RunDays(Days, async () => (await s.Actions()).Count >= 3);
        await s.CreditNote("F-1", 200m);
        await s.RunDays(Days, async () => (await s.Actions()).Count >= 4);
        var email = (await s.Events()).Last(e => e.GetProperty("type").GetString() == "reminder_requested").GetProperty("data");
        Assert.Equal(("email-reminder", 1000m), (email.GetProperty("step").GetString(), email.GetProperty("invoices")[0].GetProperty("outstanding").GetDecimal()));
        await s.CreditNote("F-1", 1000m);
        await s.RunDays(60);
        Assert.Equal(Nominal.Take(4), await s.Actions());
        Assert.Equal("Closed", (await s.Case())!.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_second_invoice_joins_the_open_case_and_the_next_step_covers_both()
    {
        await using var s = await OneInvoice();
        await s.RunDays(Days, async () => (await s.Actions()).Count >= 4); // up to the email reminder, 10 April
        await s.Invoice("F-2", new DateOnly(2026, 4, 20), 300m);
        await s.RunDays(15);
        Assert.Equal([.. Nominal.Take(4),
            "2026-04-13 courtesy-reminder-1 email [F-2]",  // its D-10 (10 April) is the day it came: it waits for the plan's 3-day gap
            "2026-04-17 second-call phone [F-1]",          // F-2 not yet due: the call is about F-1; on a tie with a courtesy reminder, the ladder first
            "2026-04-20 courtesy-reminder-2 email [F-2]",  // its D-3 (17 April) moved by the gap after the call: on its due date
            "2026-04-24 reminder-letter letter [F-1,F-2]", // one letter for both, at the step of the oldest
            "2026-04-24 reminder-letter email [F-1,F-2]"], await s.Actions());
    }

    [Fact]
    public async Task A_customer_with_no_email_and_no_phone_gets_letters()
    {
        await using var s = await Scenario();
        await s.DescribeCustomer(withEmail: false, withPhone: false);
        await s.Invoice("F-1", Due, 1200m);
        await s.RunDays(60);
        Assert.Equal(
        [
            "2026-03-22 courtesy-reminder-1 letter [F-1]",
            "2026-03-29 courtesy-reminder-2 letter [F-1]",
            "2026-04-02 first-call letter [F-1]",
            "2026-04-10 email-reminder letter [F-1]",
            "2026-04-17 second-call letter [F-1]",
            "2026-04-24 reminder-letter letter [F-1]",
        ], (await s.Actions()).Take(6));
    }

    [Fact]
    public async Task Steps_with_a_minimum_amount_are_skipped_for_a_small_debt()
    {
        await using var s = await OneInvoice(80m);
        await s.RunDays(Days);
        Assert.Equal([.. Nominal.Take(7),
            "2026-05-04 warning-letter skipped [F-1]",
            "2026-05-14 formal-notice skipped [F-1]",
            "2026-05-24 litigation skipped [F-1]"], await s.Actions());
        Assert.True((await s.Case())!.Value.GetProperty("nextActionAt").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task A_customer_segment_follows_its_companys_plan_for_that_segment()
    {
        await using var s = await Scenario();
        var gentle = JsonSerializer.Deserialize<JsonElement>(await File.ReadAllTextAsync(Path.Combine(Repository.Root(), "services", "Reminder", "plans", "standard.json")));
        var plan = JsonSerializer.Deserialize<Dictionary<string, object>>(gentle.GetRawText())!;
        plan["companyId"] = "ACME";
        plan["key"] = "small-business";
        plan["segments"] = new[] { "small-business" };
        // A gentler ladder for small businesses: one courtesy reminder, no calls, letters later.
        plan["steps"] = JsonSerializer.Deserialize<object>("""
            [
              { "id": "courtesy-reminder", "when": { "from": "DueDate", "days": -5 }, "channels": ["email"] },
              { "id": "email-reminder", "when": { "from": "DueDate", "days": 7 }, "channels": ["email"] },
              { "id": "reminder-letter", "when": { "from": "PreviousStep", "days": 14 }, "channels": ["letter"], "tone": "firm", "claimPenalties": true, "claimRecoveryIndemnity": true },
              { "id": "formal-notice", "when": { "from": "PreviousStep", "days": 21 }, "channels": ["registered-letter"], "tone": "formal", "requiresApproval": true, "paymentDeadlineDays": 8 }
            ]
            """)!;
        var published = await s.Reminder.PutAsJsonAsync("/plans/ACME/small-business", plan);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        await s.DescribeCustomer(segment: "small-business");
        await s.Invoice("F-1", Due, 1200m);
        await s.RunUntilApprovalAwaited(Days);

        Assert.Equal(
        [
            "2026-03-27 courtesy-reminder email [F-1]",
            "2026-04-08 email-reminder email [F-1]",
            "2026-04-22 reminder-letter letter [F-1]",
            "2026-05-13 formal-notice awaits approval",
        ], await s.Actions());
        var adopted = (await s.Events()).Single(e => e.GetProperty("type").GetString() == "case_plan_adopted").GetProperty("data");
        Assert.Equal(("ACME:small-business", 1), (adopted.GetProperty("planId").GetString(), adopted.GetProperty("version").GetInt32()));
        Assert.Contains("segment 'small-business'", adopted.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_invoice_already_overdue_when_first_seen_starts_at_the_step_its_age_implies()
    {
        await using var s = await Scenario();
        await s.DescribeCustomer();
        await s.Invoice("OLD-1", new DateOnly(2026, 2, 5), 1200m); // 25 days overdue on 2 March
        await s.RunDays(12);
        Assert.Equal(["2026-03-03 reminder-letter letter [OLD-1]", "2026-03-03 reminder-letter email [OLD-1]", "2026-03-13 warning-letter letter [OLD-1]"],
            await s.Actions());
    }

    [Fact]
    public async Task An_invoice_far_overdue_when_first_seen_is_left_to_a_person_not_chased()
    {
        await using var s = await Scenario();
        await s.DescribeCustomer();
        await s.Invoice("OLD-2", new DateOnly(2025, 11, 15), 1200m); // 107 days overdue
        await s.RunDays(Days);
        Assert.Empty(await s.Actions());
        var invoice = (await s.Case())!.Value.GetProperty("openInvoices")[0];
        Assert.True(invoice.GetProperty("leftToPerson").GetBoolean());
    }

    [Fact]
    public async Task Two_scheduler_instances_at_once_take_each_action_once()
    {
        await using var s = await OneInvoice();
        // A second Reminder instance on the same database: its scheduler only (the subscriptions run on one node).
        var (second, _) = await s.System.StartInstanceAsync(Service.Reminder, "--Marten:DaemonMode=Disabled");
        for (var day = 0; day < 75; day++)
        {
            s.System.Clock.SetUtcNow(new DateTimeOffset(s.System.Clock.GetUtcNow().UtcDateTime.Date.AddDays(1).AddHours(8), TimeSpan.Zero));
            await Task.WhenAll(s.RunScheduler(), s.RunScheduler(second), s.RunScheduler(), s.RunScheduler(second));
            await s.Settled();
        }
        Assert.Equal(Nominal, await s.Actions());
        // Told once each: four emails and two letters.
        async Task<int> Told() => (await s.System.Erp.NotificationsOn(ErpTopology.ReminderActionTakenExchange)).Count(n => n.Body.GetProperty("customerId").GetString() == s.Customer);
        await Eventually.Until(async () => await Told() >= 6, TimeSpan.FromSeconds(30), "every action told to the ERP");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(6, await Told());
        Assert.Equal(4, (await new MailCapture(infrastructure.SmtpCapture).To(s.BillingEmail)).Count);
    }

    [Fact]
    public async Task A_crash_between_deciding_and_sending_loses_nothing_and_sends_once()
    {
        await using var s = await OneInvoice();
        await s.RunDays(19); // to 21 March: nothing due yet
        var daemon = s.System.Services(Service.Reminder).GetRequiredService<IProjectionCoordinator>();
        await daemon.PauseAsync();
        s.System.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 22, 8, 0, 0, TimeSpan.Zero));
        await s.RunScheduler();
        Assert.Equal(["2026-03-22 courtesy-reminder-1 email [F-1]"], await s.Actions()); // decided, committed, not yet handed over

        await s.System.RestartAsync(Service.Reminder); // the process dies before dispatching; a new one starts
        await s.Settled();
        await s.RunDays(2);
        var mails = await new MailCapture(infrastructure.SmtpCapture).To(s.BillingEmail);
        Assert.Single(mails);
        Assert.Equal(["2026-03-22 courtesy-reminder-1 email [F-1]"], await s.Actions());
        Assert.Single(await s.Events(), e => e.GetProperty("type").GetString() == "reminder_sent");
    }

    [Fact]
    public async Task The_preview_shows_what_the_run_then_does()
    {
        await using var s = await OneInvoice();
        await s.Invoice("F-0", new DateOnly(2026, 2, 20), 450m); // overdue already: caught up
        var previews = new List<string>();
        for (var round = 0; round < 4; round++)
        {
            // The next run at which the case has something to do: the first 08:00 UTC at or after its next action.
            var next = (await s.Case())!.Value.GetProperty("nextActionAt").GetDateTimeOffset().ToUniversalTime();
            var at = new DateTimeOffset(next.UtcDateTime.Date.AddHours(8), TimeSpan.Zero);
            if (at < next) at = at.AddDays(1);
            await s.RunDays(at.DayNumber() - s.System.Clock.GetUtcNow().DayNumber() - 1);
            var preview = (await s.Reminder.GetFromJsonAsync<PlannedAction[]>($"/preview?companyId=ACME&at={Uri.EscapeDataString(at.ToString("O"))}"))!
                .Where(a => a.CaseId.Contains(s.Customer)).Select(a => $"{a.Decision} {a.Step} {a.Channel} [{string.Join(",", a.Invoices)}]").ToList();
            Assert.NotEmpty(preview);
            var before = (await s.Events()).Length;
            await s.RunDays(1);
            var done = (await s.Events()).Skip(before)
                .Where(e => e.GetProperty("type").GetString() is "reminder_requested" or "step_skipped" or "action_awaiting_approval" or "case_handed_to_litigation")
                .Select(e => e.GetProperty("data"))
                .Select(d => $"{Decision(d)} {d.GetProperty("step").GetString()} {(d.TryGetProperty("channel", out var c) ? c.GetString() : "")} [{string.Join(",", d.GetProperty("invoices").EnumerateArray().Select(i => i.GetProperty("invoiceNumber").GetString()))}]")
                .ToList();
            Assert.Equal(preview, done);
            previews.AddRange(preview.Select(p => $"{at:yyyy-MM-dd} {p}"));
        }
        // F-0, ten days overdue when it came, starts at the email reminder; F-1's courtesy reminder comes in between.
        Assert.Equal(
        [
            "2026-03-03 ReminderRequested email-reminder email [F-0]",
            "2026-03-10 ReminderRequested second-call phone [F-0]",
            "2026-03-17 ReminderRequested reminder-letter letter [F-0]",
            "2026-03-17 ReminderRequested reminder-letter email [F-0]",
            "2026-03-22 ReminderRequested courtesy-reminder-1 email [F-1]",
        ], previews);

        static string Decision(JsonElement data) => data.TryGetProperty("reminderId", out _) ? "ReminderRequested" : data.TryGetProperty("skippedAt", out _) ? "StepSkipped" : "ActionAwaitingApproval";
    }

    [Fact]
    public async Task A_contested_invoice_leaves_the_chase_until_the_dispute_is_closed()
    {
        await using var s = await OneInvoice();
        await s.RunDays(Days, async () => (await s.Actions()).Count >= 3); // up to the first call, 2 April
        await s.Dispute("F-1", open: true);
        await s.RunDays(20);
        Assert.Equal(Nominal.Take(3), await s.Actions());
        await s.Dispute("F-1", open: false);
        await s.RunDays(2);
        Assert.Equal([.. Nominal.Take(3), "2026-04-23 email-reminder email [F-1]"], await s.Actions());
    }

    [Fact]
    public async Task A_hold_pauses_the_chase_and_the_reminder_letter_counts_from_its_end()
    {
        await using var s = await OneInvoice();
        await s.RunDays(Days, async () => (await s.Actions()).Count >= 5); // up to the second call, 17 April
        await s.DescribeCustomer(hold: new { reason = "négociation commerciale", until = "2026-05-10" });
        await s.RunDays(35);
        Assert.Equal([.. Nominal.Take(5),
            "2026-05-18 reminder-letter letter [F-1]", // the hold ends on 11 May at 09:00; the letter follows seven days later
            "2026-05-18 reminder-letter email [F-1]"], await s.Actions());
    }

    [Fact]
    public async Task A_new_plan_version_reaches_a_case_only_when_applied_to_it()
    {
        await using var s = await OneInvoice();
        await s.RunDays(Days, async () => (await s.Actions()).Count >= 3); // the first call, 2 April
        // The company publishes its own plan: an email reminder 3 days after the call instead of 8.
        var plan = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await File.ReadAllTextAsync(Path.Combine(Repository.Root(), "services", "Reminder", "plans", "standard.json")))!;
        var steps = JsonSerializer.Deserialize<List<Dictionary<string, object>>>(plan["steps"].GetRawText())!;
        steps.Single(st => st["id"].ToString() == "email-reminder")["when"] = new { from = "PreviousStep", days = 3 };
        var acme = plan.ToDictionary(p => p.Key, p => (object)p.Value);
        (acme["companyId"], acme["key"], acme["steps"]) = ("ACME", "acme", steps);
        (await s.Reminder.PutAsJsonAsync("/plans/ACME/acme", acme)).EnsureSuccessStatusCode();
        await s.RunDays(4);
        Assert.Equal(Nominal.Take(3), await s.Actions()); // the case still follows its own version

        var applied = await s.PostOnCase("plan", new { reason = "ACME shortened its ladder" });
        Assert.True(applied.IsSuccessStatusCode, await applied.Content.ReadAsStringAsync());
        await s.RunDays(2);
        Assert.Equal([.. Nominal.Take(3), "2026-04-07 email-reminder email [F-1]"], await s.Actions()); // due on 5 April: taken at the next run
        Assert.Contains("ACME shortened its ladder", (await s.Events()).Last(e => e.GetProperty("type").GetString() == "case_plan_adopted").GetProperty("data").GetProperty("reason").GetString());

        // A second version, applied at once to every case following the plan: the second call two days after the email.
        steps.Single(st => st["id"].ToString() == "second-call")["when"] = new { from = "PreviousStep", days = 2 };
        (await s.Reminder.PutAsJsonAsync("/plans/ACME/acme", acme)).EnsureSuccessStatusCode();
        var bulk = await s.Reminder.PostAsJsonAsync("/plans/ACME/acme/apply", new { reason = "ACME calls sooner" });
        Assert.Equal(1, (await bulk.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("casesMoved").GetInt32());
        await s.RunDays(3);
        Assert.Equal("2026-04-10 second-call phone [F-1]", (await s.Actions())[^1]); // 9 April, moved by the 3-day minimum gap
        var adopted = (await s.Events()).Where(e => e.GetProperty("type").GetString() == "case_plan_adopted").Select(e => e.GetProperty("data")).ToList();
        Assert.Equal(["*:standard 1", "ACME:acme 1", "ACME:acme 2"], adopted.Select(a => $"{a.GetProperty("planId").GetString()} {a.GetProperty("version").GetInt32()}"));
    }

    [Fact]
    public async Task A_refused_formal_notice_stops_the_ladder_where_it_is()
    {
        await using var s = await OneInvoice();
        await s.RunUntilApprovalAwaited(Days);
        await s.Approve(approve: false);
        await s.RunDays(30);
        Assert.Equal([.. Nominal, "2026-05-14 formal-notice refused"], await s.Actions());
    }

    [Fact]
    public async Task Payment_terms_beyond_the_legal_maximum_are_flagged_on_the_case()
    {
        await using var s = await Scenario();
        await s.DescribeCustomer();
        await s.Invoice("F-LONG", new DateOnly(2026, 6, 1), 1200m, issued: new DateOnly(2026, 3, 2)); // 91 days
        var invoice = (await s.Case())!.Value.GetProperty("openInvoices")[0];
        Assert.Contains("beyond the legal maximum of 60 days from issue or 45 days end of month", invoice.GetProperty("paymentTermsBreach").GetString());
    }
}

static class Days_
{
    public static int DayNumber(this DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime).DayNumber;
}
