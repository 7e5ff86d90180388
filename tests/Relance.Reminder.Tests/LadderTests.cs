using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ReminderService.DunningPlans;

namespace Relance.Reminder.Tests;

/// <summary>The default French plan (services/Reminder/plans/standard.json) followed day by day by the pure decider.</summary>
[Trait("Category", "Unit")]
public class LadderTests
{
    // Invoiced 31 May 2026, due 30 June; Relance hears of it the day it is issued.
    static readonly DateTimeOffset Issued = new(2026, 5, 31, 10, 0, 0, TimeSpan.FromHours(2));
    static readonly DateOnly Due = new(2026, 6, 30);

    static CaseSimulation OneInvoice(decimal amount = 1200m, DunningPlan? plan = null, CaseCustomer? customer = null) =>
        new CaseSimulation(Issued, plan, customer).Invoice("F-1", Due, amount, issued: new(2026, 5, 31));

    static readonly string[] Nominal =
    [
        "2026-06-20 courtesy-reminder-1 email [F-1]",
        "2026-06-27 courtesy-reminder-2 email [F-1]",
        "2026-07-01 first-call phone [F-1]",
        "2026-07-09 email-reminder email [F-1]",
        "2026-07-16 second-call phone [F-1]",
        "2026-07-23 reminder-letter letter [F-1]",
        "2026-07-23 reminder-letter email [F-1]",
        "2026-08-02 warning-letter letter [F-1]",
        "2026-08-12 formal-notice awaits approval",
    ];

    [Fact]
    public void An_unpaid_invoice_climbs_the_whole_ladder_to_the_formal_notice_and_waits_for_approval()
    {
        var run = OneInvoice().RunUntil(new DateTimeOffset(2026, 9, 30, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(Nominal, run.Actions);
        Assert.Null(run.State!.NextActionAt); // nothing happens until a person decides
    }

    [Fact]
    public void Approved_the_formal_notice_leaves_by_registered_letter_then_the_hand_over_to_litigation_waits_for_its_own_approval()
    {
        // No postal tracking heard of: the notice counts as received 21 days after it left, and its 8 days run from then.
        var run = OneInvoice().RunUntilApprovalAwaited(90).Approve().RunUntilApprovalAwaited(45).Approve().RunDays(20);
        Assert.Equal([.. Nominal,
            "2026-08-12 formal-notice registered-letter [F-1]",
            "2026-09-11 litigation awaits approval",
            "2026-09-11 litigation handed over [F-1]"], run.Actions);
        Assert.Equal(CaseStatus.Litigation, run.State!.Status);
        Assert.Null(run.State.NextActionAt);
    }

    [Fact]
    public void Every_action_says_which_plan_step_and_rule_and_the_formal_notice_claims_penalties_and_the_indemnity()
    {
        var run = OneInvoice().RunUntilApprovalAwaited(90).Approve().RunDays(1);
        var notice = run.Events.OfType<ReminderRequested>().Single(r => r.Step == "formal-notice");
        Assert.Contains("step 8 of plan *:standard v1", notice.Reason);
        Assert.Contains("10 days after the previous step (2026-08-02)", notice.Reason);
        Assert.Contains("approved", notice.Reason);
        Assert.Equal(("formal", 8, "registered-letter"), (notice.Tone, notice.PaymentDeadlineDays, notice.Channel));
        var claim = Assert.Single(notice.Claims);
        // 43 days late (1 July to 12 August) at 12.15 % (ECB 2.15 % + 10 points, second half of 2026): 1200 × 12.15 % × 43 / 365.
        Assert.Equal((43, 12.15m, Math.Round(1200m * 0.1215m * 43 / 365, 2), 40m, "EUR"),
            (claim.DaysLate, claim.AnnualRatePercent, claim.Penalty, claim.RecoveryIndemnity, claim.IndemnityCurrency));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    public void A_payment_after_any_step_stops_everything(int actionsBeforePayment)
    {
        var run = OneInvoice();
        run.RunUntil(new DateTimeOffset(2026, 9, 30, 0, 0, 0, TimeSpan.Zero), _ => run.Actions.Count >= actionsBeforePayment);
        run.Paid("F-1", 0).RunDays(120);
        Assert.Equal(Nominal.Take(actionsBeforePayment), run.Actions);
        Assert.Equal(CaseStatus.Closed, run.State!.Status);
        Assert.Null(run.State.NextActionAt);
    }

    [Fact]
    public void A_partial_payment_keeps_the_chase_going_on_what_remains()
    {
        var run = OneInvoice().RunUntil(new DateTimeOffset(2026, 7, 2, 0, 0, 0, TimeSpan.Zero)).Paid("F-1", 700m).RunDays(30);
        Assert.Equal(Nominal.Take(7), run.Actions);
        Assert.All(run.Events.OfType<ReminderRequested>().Where(r => r.RequestedAt > new DateTimeOffset(2026, 7, 2, 0, 0, 0, TimeSpan.Zero)),
            r => Assert.Equal(700m, r.Invoices.Single().Outstanding));
        Assert.Equal(700m, run.Events.OfType<ReminderRequested>().First(r => r.Step == "reminder-letter").Claims.Single().Outstanding);
    }

    [Fact]
    public void A_second_invoice_gets_its_courtesy_reminders_then_joins_the_step_the_case_has_reached()
    {
        var run = OneInvoice().RunUntil(new DateTimeOffset(2026, 7, 10, 0, 0, 0, TimeSpan.Zero))
            .Invoice("F-2", new DateOnly(2026, 7, 20), 300m).RunUntil(new DateTimeOffset(2026, 7, 24, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal([.. Nominal.Take(4),
            "2026-07-12 courtesy-reminder-1 email [F-2]", // its D-10, moved by the plan's 3-day minimum gap after the email
            "2026-07-16 second-call phone [F-1]",         // F-2 not yet due: the calls are about F-1
            "2026-07-19 courtesy-reminder-2 email [F-2]",
            "2026-07-23 reminder-letter letter [F-1,F-2]",  // one letter for both, at the level of the oldest
            "2026-07-23 reminder-letter email [F-1,F-2]"], run.Actions);
    }

    [Fact]
    public void Under_the_newest_invoice_rule_a_new_overdue_invoice_takes_the_case_back_to_the_first_step()
    {
        var plan = CaseSimulation.Standard with { LevelFollows = LevelRule.NewestInvoice };
        var run = OneInvoice(plan: plan).RunUntil(new DateTimeOffset(2026, 7, 17, 0, 0, 0, TimeSpan.Zero))
            .Invoice("F-2", new DateOnly(2026, 7, 16), 300m, issued: new(2026, 6, 16)).RunUntil(new DateTimeOffset(2026, 7, 30, 0, 0, 0, TimeSpan.Zero));
        // F-2 arrives one day overdue: caught up by age at the first call; the case follows it, not F-1.
        Assert.Equal([.. Nominal.Take(5),
            "2026-07-19 first-call phone [F-1,F-2]",
            "2026-07-27 email-reminder email [F-1,F-2]"], run.Actions);
    }

    [Fact]
    public void A_customer_with_no_email_gets_letters_and_one_with_no_phone_gets_an_email_instead_of_a_call()
    {
        var unreachable = CaseSimulation.Customer with { Email = "", Contacts = [] };
        var run = OneInvoice(customer: unreachable).RunUntil(new DateTimeOffset(2026, 7, 24, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(
        [
            "2026-06-20 courtesy-reminder-1 letter [F-1]",
            "2026-06-27 courtesy-reminder-2 letter [F-1]",
            "2026-07-01 first-call letter [F-1]",  // no phone → email → no email → letter
            "2026-07-09 email-reminder letter [F-1]",
            "2026-07-16 second-call letter [F-1]",
            "2026-07-23 reminder-letter letter [F-1]", // the letter and its email copy fall on one letter
        ], run.Actions);
        Assert.Contains("instead of email", run.Events.OfType<ReminderRequested>().First().Recipient.Via);
    }

    [Fact]
    public void Each_step_addresses_the_contact_of_its_role_else_billing()
    {
        var boss = new CaseContact("management", "Marc Dupont", "marc@dupont.example", null);
        var run = OneInvoice(customer: CaseSimulation.Customer with { Contacts = CaseSimulation.Customer.Contacts.Add(boss) })
            .RunUntilApprovalAwaited(90).Approve().RunDays(1);
        var requests = run.Events.OfType<ReminderRequested>().ToList();
        Assert.All(requests.Where(r => r.Step != "formal-notice"), r => Assert.Equal("Anne Martin", r.Recipient.ContactName));
        var notice = requests.Single(r => r.Step == "formal-notice");
        Assert.Equal(("Marc Dupont", "12 rue des Lilas"), (notice.Recipient.ContactName, notice.Recipient.PostalAddress!.Lines[0]));
    }

    [Fact]
    public void The_account_manager_is_copied_where_the_plan_involves_them()
    {
        var manager = new CaseContact("account-manager", "Paul Durand", "p.durand@acme.example", null);
        var run = OneInvoice(customer: CaseSimulation.Customer with { AccountManager = manager }).RunUntil(new DateTimeOffset(2026, 7, 24, 0, 0, 0, TimeSpan.Zero));
        var requests = run.Events.OfType<ReminderRequested>().ToList();
        Assert.Equal(manager, requests.Single(r => r.Step == "second-call").Recipient.AccountManager);
        Assert.All(requests.Where(r => r.Step == "reminder-letter"), r => Assert.Equal(manager, r.Recipient.AccountManager));
        Assert.All(requests.Where(r => r.Step is "courtesy-reminder-1" or "first-call"), r => Assert.Null(r.Recipient.AccountManager));
    }

    [Fact]
    public void Steps_with_a_minimum_are_skipped_for_a_small_amount_and_the_ladder_ends_there()
    {
        var run = OneInvoice(80m).RunDays(150);
        Assert.Equal([.. Nominal.Take(7),
            "2026-08-02 warning-letter skipped [F-1]",
            "2026-08-12 formal-notice skipped [F-1]",
            "2026-08-22 litigation skipped [F-1]"], run.Actions);
        Assert.Contains("under the step's minimum of 100.00", run.Events.OfType<StepSkipped>().First().Reason);
    }

    [Fact]
    public void An_invoice_already_overdue_when_first_seen_starts_at_the_step_its_age_implies()
    {
        var arrival = new DateTimeOffset(2026, 7, 25, 10, 0, 0, TimeSpan.FromHours(2)); // 25 days overdue
        var run = new CaseSimulation(arrival).Invoice("OLD-1", Due, 1200m).RunDays(12);
        Assert.Equal(["2026-07-25 reminder-letter letter [OLD-1]", "2026-07-25 reminder-letter email [OLD-1]", "2026-08-04 warning-letter letter [OLD-1]"], run.Actions);
        Assert.Contains("caught up by age: 25 days overdue", run.Events.OfType<InvoiceJoinedCase>().Single().Rule);
    }

    [Fact]
    public void Under_the_first_step_catch_up_an_old_invoice_starts_with_the_first_call()
    {
        var plan = CaseSimulation.Standard with { CatchUp = new CatchUpPolicy { Mode = CatchUpMode.FirstStep, MaxDaysOverdueOnArrival = 90 } };
        var run = new CaseSimulation(new DateTimeOffset(2026, 7, 25, 10, 0, 0, TimeSpan.FromHours(2)), plan).Invoice("OLD-1", Due, 1200m).RunDays(9);
        Assert.Equal(["2026-07-25 first-call phone [OLD-1]", "2026-08-02 email-reminder email [OLD-1]"], run.Actions);
    }

    [Fact]
    public void An_invoice_too_old_when_first_seen_is_left_to_a_person()
    {
        var run = new CaseSimulation(new DateTimeOffset(2026, 10, 15, 10, 0, 0, TimeSpan.FromHours(2))).Invoice("OLD-1", Due, 1200m).RunDays(60);
        Assert.Empty(run.Actions);
        Assert.True(run.State!.OpenInvoices.Single().LeftToPerson);
        Assert.Contains("more than 90", run.Events.OfType<InvoiceJoinedCase>().Single().Rule);
    }

    [Fact]
    public void A_hold_pauses_the_chase_and_the_reminder_letter_counts_from_the_end_of_the_pause()
    {
        var run = OneInvoice().RunUntil(new DateTimeOffset(2026, 7, 17, 0, 0, 0, TimeSpan.Zero))
            .Customer_(CaseSimulation.Customer, new CustomerHold("negotiating", new DateOnly(2026, 8, 10)))
            .RunDays(45);
        Assert.Equal([.. Nominal.Take(5),
            "2026-08-18 reminder-letter letter [F-1]",   // 7 days after the hold ended (resumed 11 August)
            "2026-08-18 reminder-letter email [F-1]",
            "2026-08-28 warning-letter letter [F-1]"], run.Actions);
    }

    [Fact]
    public void A_contested_invoice_leaves_the_chase_and_comes_back_when_the_dispute_closes()
    {
        var run = OneInvoice().RunUntil(new DateTimeOffset(2026, 7, 2, 0, 0, 0, TimeSpan.Zero)).Disputed("F-1", opened: true).RunDays(20);
        Assert.Equal(Nominal.Take(3), run.Actions);
        Assert.Null(run.State!.NextActionAt);
        run.Disputed("F-1", opened: false).RunDays(2);
        Assert.Equal([.. Nominal.Take(3), "2026-07-22 email-reminder email [F-1]"], run.Actions);
    }

    [Fact]
    public void A_refused_formal_notice_stops_the_ladder()
    {
        var run = OneInvoice().RunUntilApprovalAwaited(90).Approve(approve: false).RunDays(60);
        Assert.Equal(Nominal, run.Actions);
        Assert.True(run.State!.LadderStopped);
        Assert.IsType<ActionRefused>(run.Events[^1]);
    }

    [Fact]
    public void Nothing_leaves_outside_the_sending_hours()
    {
        var run = OneInvoice().RunDays(90);
        Assert.All(run.Events.OfType<ReminderRequested>(), r =>
        {
            var local = TimeZoneInfo.ConvertTime(r.RequestedAt, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
            Assert.InRange(local.TimeOfDay, TimeSpan.FromHours(8), TimeSpan.FromHours(18));
        });
    }

    [Fact]
    public void An_invoice_arriving_at_night_waits_for_the_morning()
    {
        var run = new CaseSimulation(new DateTimeOffset(2026, 7, 5, 22, 0, 0, TimeSpan.FromHours(2))).Invoice("F-9", new DateOnly(2026, 7, 7), 500m).RunDays(1);
        var first = run.Events.OfType<ReminderRequested>().First();
        Assert.Equal(("courtesy-reminder-2", new DateTimeOffset(2026, 7, 6, 8, 0, 0, TimeSpan.FromHours(2))), (first.Step, first.RequestedAt));
    }

    [Fact]
    public void An_approved_step_whose_debt_fell_under_its_minimum_is_skipped_once_not_in_a_loop()
    {
        var run = OneInvoice().RunUntilApprovalAwaited(90).Approve().Paid("F-1", 50m).RunDays(30);
        Assert.Equal([.. Nominal,
            "2026-08-12 formal-notice skipped [F-1]",
            "2026-08-22 litigation skipped [F-1]"], run.Actions);
        Assert.Null(run.State!.AwaitingApproval);
    }

    [Fact]
    public void An_approval_is_for_the_invoices_it_was_asked_for_and_lapses_when_none_is_owed_any_more()
    {
        var run = OneInvoice().RunUntilApprovalAwaited(90).Invoice("F-2", new DateOnly(2026, 8, 13), 900m, issued: new(2026, 7, 14)).RunDays(2);
        run.Approve().RunDays(3);
        var notice = run.Events.OfType<ReminderRequested>().Single(r => r.Step == "formal-notice");
        Assert.Equal(["F-1"], notice.Invoices.Select(i => i.InvoiceNumber)); // F-2, due since, was not part of what was approved

        var lapsed = OneInvoice().RunUntilApprovalAwaited(90).Approve();
        lapsed.Disputed("F-1", opened: true).RunDays(2);
        Assert.DoesNotContain(lapsed.Events, e => e is ReminderRequested { Step: "formal-notice" });
    }

    [Fact]
    public void A_courtesy_reminder_while_an_approval_is_pending_leaves_the_approval_pending()
    {
        var run = OneInvoice().RunUntilApprovalAwaited(90).Invoice("F-3", new DateOnly(2026, 8, 20), 300m, issued: new(2026, 7, 21)).RunDays(2);
        // F-3's first courtesy reminder (its D-10 already past, its due date ahead) goes while the formal notice waits.
        Assert.Equal("2026-08-12 courtesy-reminder-1 email [F-3]", run.Actions[^1]);
        Assert.NotNull(run.State!.AwaitingApproval);
        Assert.False(run.State.AwaitingApproval!.Approved);
    }

    [Fact]
    public void Catch_up_by_age_never_starts_past_the_first_step_needing_approval()
    {
        var arrival = new DateTimeOffset(2026, 8, 30, 10, 0, 0, TimeSpan.FromHours(2)); // 61 days overdue
        var run = new CaseSimulation(arrival).Invoice("OLD-1", Due, 1200m).RunDays(12);
        Assert.Equal(["2026-08-30 warning-letter letter [OLD-1]", "2026-09-09 formal-notice awaits approval"], run.Actions);
    }

    [Fact]
    public void A_step_that_cannot_reach_the_customer_is_blocked_until_the_erp_completes_it()
    {
        var noAddress = CaseSimulation.Customer with { PostalAddress = null };
        var run = OneInvoice(customer: noAddress).RunUntilApprovalAwaited(90).Approve().RunDays(5);
        Assert.Equal([.. Nominal.Take(5),
            "2026-07-23 reminder-letter email [F-1]",   // no address: the letter falls back on the email, already there
            "2026-08-02 warning-letter email [F-1]",
            "2026-08-12 formal-notice awaits approval"], run.Actions);
        var blocked = Assert.IsType<StepBlocked>(run.Events[^1]);
        Assert.Contains("no contact for registered-letter", blocked.Reason);
        Assert.Null(run.State!.NextActionAt);

        run.Customer_(CaseSimulation.Customer, null).RunDays(1);
        Assert.Equal("2026-08-17 formal-notice awaits approval", run.Actions[^1]); // asked again, now that it can be sent
    }

    [Fact]
    public void A_new_invoice_climbs_on_its_own_when_the_oldest_has_reached_the_top_of_the_ladder()
    {
        var run = OneInvoice(80m).RunDays(100).Invoice("F-2", new DateOnly(2026, 9, 20), 5000m, issued: new(2026, 8, 21)).RunDays(15);
        Assert.Contains("2026-09-21 first-call phone [F-1,F-2]", run.Actions);
    }

    [Fact]
    public void A_hold_already_over_is_not_lifted_again_by_a_later_update()
    {
        var run = OneInvoice().Customer_(CaseSimulation.Customer, new CustomerHold("negotiating", new DateOnly(2026, 6, 5))).RunDays(20);
        run.Customer_(CaseSimulation.Customer with { Name = "Dupont SAS" }, null);
        // Lifted once, by the clock, when it ran out; the ERP's later update lifts nothing more.
        var lifted = Assert.Single(run.Events.OfType<CaseHoldLifted>());
        Assert.Equal(("system", new DateTimeOffset(2026, 6, 6, 9, 0, 0, TimeSpan.FromHours(2))), (lifted.By, lifted.LiftedAt));
    }
}
