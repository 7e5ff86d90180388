using System.Collections.Immutable;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.Calling;
using Relance.ReminderService.DunningCases.ChangingBalance;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ReminderService.DunningCases.Disputing;
using Relance.ReminderService.DunningCases.Holding;
using Relance.ReminderService.DunningCases.ManualActions;
using Relance.ReminderService.DunningCases.PaymentPlans;
using Relance.ReminderService.DunningCases.Promising;
using Relance.ReminderService.DunningCases.RemovingInvoice;
using Relance.ReminderService.DunningCases.TakingDueActions;

namespace Relance.Reminder.Tests;

/// <summary>
/// People acting on a case (calls, promises, payment plans, holds, disputes, manual actions) while the scheduler
/// goes on hour by hour, on the standard plan: first call D+1, email +8, second call +7, reminder letter +7,
/// warning letter +10, formal notice +10 (approval), litigation +10 (approval); 3 days at least between actions.
/// </summary>
[Trait("Category", "Unit")]
public partial class HumanLoopTests
{
    static readonly DateOnly Due = new(2026, 6, 30);
    static readonly DunningPolicy Policy = CaseSimulation.Policy;
    const string Phone = "+33 4 72 00 00 01";

    /// <summary>A moment in Paris, summer time (all the scenarios stay between May and October).</summary>
    static DateTimeOffset At(int month, int day, int hour = 9) => new(2026, month, day, hour, 0, 0, TimeSpan.FromHours(2));

    static Guid G(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    static CaseSimulation OneInvoice(decimal amount = 1200m, CaseCustomer? customer = null) =>
        new CaseSimulation(At(5, 31, 10), customer: customer).Invoice("F-1", Due, amount, issued: new(2026, 5, 31));

    static CaseSimulation TwoInvoices(decimal second = 300m) => OneInvoice().Invoice("F-2", Due, second, issued: new(2026, 5, 31));

    /// <summary>The first call asked for (1 July, 09:00); the clock at 10:00.</summary>
    static CaseSimulation AfterFirstCall(CaseSimulation? run = null) => (run ?? OneInvoice()).RunUntil(At(7, 1, 10));

    static readonly string[] Ladder =
    [
        "2026-06-20 courtesy-reminder-1 email [F-1]",
        "2026-06-27 courtesy-reminder-2 email [F-1]",
        "2026-07-01 first-call phone [F-1]",
    ];

    static LogCall Log(CaseSimulation run, Guid? callId, string outcome, DateTimeOffset? callBackAt = null, PromiseTerms? promise = null,
        DisputeTerms? dispute = null, string? phone = null, int id = 100, string? notes = "spoke to accounts") =>
        new(G(id), callId, outcome, "Anne Martin", phone, notes, "check the transfer", callBackAt, promise, dispute, "alice", run.Now);

    static Func<DunningCase, IReadOnlyList<object>> Logging(CaseSimulation run, Guid? callId, string outcome, DateTimeOffset? callBackAt = null,
        PromiseTerms? promise = null, DisputeTerms? dispute = null, string? phone = null, int id = 100) =>
        s => CallDecider.Decide(Log(run, callId, outcome, callBackAt, promise, dispute, phone, id), s, Policy);

    static Func<DunningCase, IReadOnlyList<object>> Promising(CaseSimulation run, decimal amount, DateOnly promisedFor, ImmutableList<string>? invoices = null, int id = 200) =>
        s => PromisePaymentDecider.Decide(new PromisePayment(G(id), amount, promisedFor, invoices, "by transfer", "alice", run.Now), s, Policy);

    static Func<DunningCase, IReadOnlyList<object>> Agreeing(CaseSimulation run, ImmutableList<string>? invoices, params (DateOnly, decimal)[] instalments) =>
        s => AgreePaymentPlanDecider.Decide(new AgreePaymentPlan(G(300), [.. instalments], invoices, "cash flow", "alice", run.Now), s, Policy);

    static Func<DunningCase, IReadOnlyList<object>> Opening(CaseSimulation run, string category, ImmutableList<string>? invoices, string id = "DP-1", string? comment = null) =>
        s => PeopleDisputeDecider.Decide(new OpenDispute(G(400), id, category, invoices, comment, "alice", run.Now), s, Policy);

    static Func<DunningCase, IReadOnlyList<object>> Resolving(CaseSimulation run, string resolution, string id = "DP-1") =>
        s => PeopleDisputeDecider.Decide(new ResolveDispute(G(401), id, resolution, null, "alice", run.Now), s, Policy);

    static void IsRefused(CaseCommandRefused refused, string field, int status) => Assert.Equal((field, status), (refused.Field, refused.Status));

    static ImmutableList<string> Numbers(params string[] numbers) => [.. numbers];

    static T Single<T>(IEnumerable<object> events) => Assert.Single(events.OfType<T>());

    // ——— 1. Calls ———

    [Fact]
    public void A_phone_step_puts_a_call_in_the_collectors_queue_until_it_is_logged()
    {
        var run = AfterFirstCall();
        var requested = Single<ReminderRequested>(run.Events.Where(e => e is ReminderRequested { Step: "first-call" }));
        var call = Assert.Single(run.State!.Calls);
        Assert.Equal((requested.ReminderId, requested.ActionId, "first-call", 3, "collector", (string?)null, At(7, 1), 0, (string?)null),
            (call.CallId, call.ActionId, call.Step, call.Level, call.Queue, call.Assignee, call.DueAt, call.Attempts, call.LastOutcome));
        Assert.Equal(["F-1"], call.Invoices.Select(i => i.InvoiceNumber));
        Assert.Equal(("Anne Martin", Phone), (call.Recipient!.ContactName, call.Recipient.Phone));
        Assert.Equal(At(7, 1), run.State.CallsDueFrom);
        Assert.Empty(run.State.CallsMade);
    }

    [Fact]
    public void A_call_for_the_account_manager_goes_to_the_account_managers_queue_assigned_by_email()
    {
        var manager = new CaseContact("account-manager", "Paul Durand", "p.durand@acme.example", null);
        var run = OneInvoice(customer: CaseSimulation.Customer with { AccountManager = manager }).RunUntil(At(7, 16, 10));
        var call = Assert.Single(run.State!.Calls); // the first call, never logged, was superseded by the email reminder
        Assert.Equal(("second-call", 5, "account-manager", "p.durand@acme.example", At(7, 16)), (call.Step, call.Level, call.Queue, call.Assignee, call.DueAt));
        Assert.Equal(manager, call.Recipient!.AccountManager);

        // No account manager known: the call waits in that queue for the case's collector.
        var without = OneInvoice().RunUntil(At(7, 10)).Do(s => CallDecider.Decide(new AssignCase("carol", "lead", At(7, 10)), s)).RunUntil(At(7, 16, 10));
        var unassigned = Assert.Single(without.State!.Calls);
        Assert.Equal(("account-manager", "carol"), (unassigned.Queue, unassigned.Assignee));
    }

    [Fact]
    public void A_later_step_supersedes_a_call_never_logged()
    {
        var run = OneInvoice().RunUntil(At(7, 8, 10));
        Assert.Single(run.State!.Calls);
        run.RunUntil(At(7, 9, 10));
        Assert.Equal([.. Ladder, "2026-07-09 email-reminder email [F-1]"], run.Actions);
        Assert.Empty(run.State!.Calls);
        Assert.Null(run.State.CallsDueFrom);
        run.RunUntil(At(7, 16, 10));
        var second = Assert.Single(run.State!.Calls);
        Assert.Equal(("second-call", At(7, 16)), (second.Step, run.State.CallsDueFrom!.Value));
    }

    [Fact]
    public void A_call_logged_as_reached_leaves_the_queue_and_counts_as_made()
    {
        var run = AfterFirstCall();
        var call = run.State!.Calls.Single();
        run.Do(Logging(run, call.CallId, CallOutcomes.Reached));
        var logged = Assert.IsType<CallLogged>(Assert.Single(run.Decided));
        Assert.Equal(new CallLogged(G(100), call.CallId, "reached", "Anne Martin", Phone, "spoke to accounts", "check the transfer", null, "alice", At(7, 1, 10)), logged);
        Assert.Empty(run.State!.Calls);
        Assert.Null(run.State.CallsDueFrom);
        Assert.Equal([call.CallId], run.State.CallsMade);
        Assert.Equal([new MadeCall(call.CallId, run.Now)], run.State.CallsMadeAt);
        Assert.Equal(At(7, 9), run.State.NextActionAt); // the ladder goes on: the email reminder
    }

    [Fact]
    public void A_call_not_answered_comes_back_the_next_morning_and_counts_its_attempts()
    {
        var run = AfterFirstCall();
        var callId = run.State!.Calls.Single().CallId;
        run.Do(Logging(run, callId, CallOutcomes.NoAnswer));
        Assert.Equal(At(7, 2), Assert.IsType<CallLogged>(Assert.Single(run.Decided)).CallBackAt);
        var call = run.State!.Calls.Single();
        Assert.Equal((At(7, 2), 1, "no-answer"), (call.DueAt, call.Attempts, call.LastOutcome));
        Assert.Equal(At(7, 2), run.State.CallsDueFrom);

        run.RunUntil(At(7, 2, 15)).Do(Logging(run, callId, CallOutcomes.NoAnswer, id: 101));
        call = run.State!.Calls.Single();
        Assert.Equal((At(7, 3), 2), (call.DueAt, call.Attempts));
        Assert.Empty(run.State.CallsMade); // nobody reached: not a call the letters may recall
        Assert.Equal(Ladder, run.Actions); // nothing else was sent meanwhile
    }

    [Fact]
    public void A_call_back_needs_a_time_to_come_which_moves_the_call()
    {
        var run = AfterFirstCall();
        var callId = run.State!.Calls.Single().CallId;
        var missing = run.Refused(Logging(run, callId, CallOutcomes.CallBack));
        IsRefused(missing, "callBackAt", 400);
        IsRefused(run.Refused(Logging(run, callId, CallOutcomes.CallBack, callBackAt: At(7, 1, 8))), "callBackAt", 400);
        IsRefused(run.Refused(Logging(run, callId, CallOutcomes.CallBack, callBackAt: At(7, 1, 10))), "callBackAt", 400); // now is not later

        run.Do(Logging(run, callId, CallOutcomes.CallBack, callBackAt: At(7, 3, 14)));
        var call = run.State!.Calls.Single();
        Assert.Equal((At(7, 3, 14), 1, "call-back"), (call.DueAt, call.Attempts, call.LastOutcome));
        Assert.Equal(At(7, 3, 14), run.State.CallsDueFrom);
    }

    [Fact]
    public void Logging_a_call_the_case_does_not_wait_for_or_with_an_unknown_outcome_is_refused()
    {
        var run = AfterFirstCall();
        IsRefused(run.Refused(Logging(run, Guid.NewGuid(), CallOutcomes.Reached)), "callId", 409);
        IsRefused(run.Refused(Logging(run, run.State!.Calls.Single().CallId, "voicemail")), "outcome", 400);
        IsRefused(run.Refused(Logging(run, run.State!.Calls.Single().CallId, CallOutcomes.Promise)), "promise", 400); // a promise without its terms

        var callId = run.State!.Calls.Single().CallId;
        run.Do(Logging(run, callId, CallOutcomes.Reached));
        IsRefused(run.Refused(Logging(run, callId, CallOutcomes.Reached, id: 101)), "callId", 409); // already logged
    }

    [Fact]
    public void A_wrong_number_is_recorded_the_step_goes_by_email_at_once_and_the_next_phone_step_falls_back_to_email()
    {
        var run = AfterFirstCall();
        run.Do(Logging(run, run.State!.Calls.Single().CallId, CallOutcomes.WrongNumber));
        Assert.Equal(Phone, Assert.IsType<CallLogged>(run.Decided[0]).Phone);
        Assert.Equal(new PhoneNumberReportedWrong(Phone, "alice", At(7, 1, 10)), Assert.IsType<PhoneNumberReportedWrong>(run.Decided[1]));
        var instead = Assert.IsType<ReminderRequested>(run.Decided[2]);
        Assert.Equal(("first-call", "email", "alice"), (instead.Step, instead.Channel, instead.RequestedBy));
        Assert.Contains("instead of phone", instead.Recipient.Via);
        Assert.Equal(3, run.Decided.Count);
        Assert.Equal([Phone], run.State!.WrongPhones);
        Assert.Empty(run.State.Calls);

        run.RunUntil(At(7, 17));
        Assert.Equal([.. Ladder, "2026-07-01 first-call email [F-1]", "2026-07-09 email-reminder email [F-1]", "2026-07-16 second-call email [F-1]"], run.Actions);
        Assert.Contains("instead of phone", run.Events.OfType<ReminderRequested>().Single(r => r.Step == "second-call").Recipient.Via);
        Assert.Empty(run.State!.Calls);

        // Reported twice: the number is already known to be wrong.
        var again = OneInvoice().RunUntil(At(7, 1, 10));
        again.Do(Logging(again, again.State!.Calls.Single().CallId, CallOutcomes.WrongNumber)).Do(Logging(again, null, CallOutcomes.WrongNumber, phone: Phone, id: 101));
        Assert.IsType<CallLogged>(Assert.Single(again.Decided));
    }

    [Fact]
    public void Calls_about_invoices_all_paid_disappear()
    {
        var run = AfterFirstCall(TwoInvoices());
        Assert.Equal(["F-1", "F-2"], run.State!.Calls.Single().Invoices.Select(i => i.InvoiceNumber));
        run.Paid("F-1", 0);
        Assert.Equal(["F-2"], run.State!.Calls.Single().Invoices.Select(i => i.InvoiceNumber));

        // The call was only about F-1; F-3, not yet due, stays on the case.
        var other = AfterFirstCall().Invoice("F-3", new DateOnly(2026, 7, 31), 300m, issued: new(2026, 7, 1));
        Assert.Equal(["F-1"], other.State!.Calls.Single().Invoices.Select(i => i.InvoiceNumber));
        other.Paid("F-1", 0);
        Assert.Equal(CaseStatus.Open, other.State!.Status);
        Assert.Empty(other.State.Calls);
        Assert.Null(other.State.CallsDueFrom);
    }

    [Fact]
    public void A_call_is_given_to_a_person_and_the_cases_collector_gets_the_unassigned_calls_of_the_collectors_queue()
    {
        var run = AfterFirstCall();
        var callId = run.State!.Calls.Single().CallId;
        run.Do(s => CallDecider.Decide(new AssignCase("carol", "lead", At(7, 1, 10)), s));
        Assert.Equal(new CaseAssigned("carol", "lead", At(7, 1, 10)), Assert.Single(run.Decided));
        Assert.Equal(("carol", "carol"), (run.State!.Collector, run.State.Calls.Single().Assignee));

        run.Do(s => CallDecider.Decide(new AssignCall(callId, "bob", "lead", At(7, 1, 10)), s));
        Assert.Equal(new CallAssigned(callId, "bob", "lead", At(7, 1, 10)), Assert.Single(run.Decided));
        Assert.Equal("bob", run.State!.Calls.Single().Assignee);
        run.Do(s => CallDecider.Decide(new AssignCall(callId, "bob", "lead", At(7, 1, 10)), s));
        Assert.Empty(run.Decided); // already his

        // A new collector takes the collector's calls, not one given to someone else.
        run.Do(s => CallDecider.Decide(new AssignCase("dave", "lead", At(7, 1, 10)), s));
        Assert.Equal(("dave", "bob"), (run.State!.Collector, run.State.Calls.Single().Assignee));
        run.Do(s => CallDecider.Decide(new AssignCase("dave", "lead", At(7, 1, 10)), s));
        Assert.Empty(run.Decided);
        IsRefused(run.Refused(s => CallDecider.Decide(new AssignCall(Guid.NewGuid(), "bob", "lead", At(7, 1, 10)), s)), "callId", 409);

        // Assigned before the call is due: the call goes straight to the collector.
        var early = OneInvoice().RunUntil(At(6, 30)).Do(s => CallDecider.Decide(new AssignCase("carol", "lead", At(6, 30)), s)).RunUntil(At(7, 1, 10));
        Assert.Equal(("collector", "carol"), (early.State!.Calls.Single().Queue, early.State.Calls.Single().Assignee));
    }

    // ——— 2. Promises ———

    [Fact]
    public void A_promise_on_a_call_pauses_the_chase_until_its_deadline_and_broken_the_next_step_goes_at_once()
    {
        var run = AfterFirstCall();
        var callId = run.State!.Calls.Single().CallId;
        run.Do(Logging(run, callId, CallOutcomes.Promise, promise: new PromiseTerms(1200m, new DateOnly(2026, 7, 10), null)));
        Assert.Equal(2, run.Decided.Count);
        Assert.Equal("promise", Assert.IsType<CallLogged>(run.Decided[0]).Outcome);
        var promised = Assert.IsType<PaymentPromised>(run.Decided[1]);
        Assert.Equivalent(new PaymentPromised(DunningCaseDecider.Derive(G(100), 1), 1200m, new DateOnly(2026, 7, 10), At(7, 14),
            [new ArrangedInvoice("F-1", 1200m)], "spoke to accounts", "alice", At(7, 1, 10)), promised, strict: true);
        Assert.Empty(run.State!.Calls);
        Assert.Equal(promised.PromiseId, run.State.OpenInvoices.Single().Arrangement);
        Assert.Equal(At(7, 14), run.State.NextActionAt);
        Assert.StartsWith("review: the promise to pay 1200.00 by 2026-07-10 falls due", run.State.NextAction);

        run.RunUntil(At(7, 14, 8));
        Assert.Equal(Ladder, run.Actions); // the email reminder due 9 July waits for the promise

        run.RunUntil(At(7, 22));
        var broken = Single<PaymentPromiseBroken>(run.Events);
        Assert.Equal((promised.PromiseId, 1200m, 0m, At(7, 14)), (broken.PromiseId, broken.Promised, broken.Paid, broken.At));
        var index = run.Events.IndexOf(broken);
        Assert.Equal(At(7, 14), Assert.IsType<ReminderRequested>(run.Events[index + 1]).RequestedAt); // same run
        Assert.Equal([.. Ladder, "2026-07-14 email-reminder email [F-1]", "2026-07-21 second-call phone [F-1]"], run.Actions);
        Assert.Null(run.State!.Promise);
    }

    [Fact]
    public void A_promise_partly_paid_is_broken_at_its_deadline_and_the_chase_resumes_on_what_remains()
    {
        var run = AfterFirstCall();
        run.Do(Promising(run, 1200m, new DateOnly(2026, 7, 10)));
        run.RunUntil(At(7, 9, 10)).Paid("F-1", 200m);
        Assert.IsType<InvoiceBalanceChanged>(Assert.Single(run.Decided));
        run.RunUntil(At(7, 15));
        var broken = Single<PaymentPromiseBroken>(run.Events);
        Assert.Equal((1200m, 1000m, At(7, 14)), (broken.Promised, broken.Paid, broken.At));
        Assert.Contains("1000.00 of the 1200.00 promised for 2026-07-10", broken.Reason);
        var email = run.Events.OfType<ReminderRequested>().Single(r => r.Step == "email-reminder");
        Assert.Equal((At(7, 14), 200m), (email.RequestedAt, email.Invoices.Single().Outstanding));
    }

    [Fact]
    public void A_promise_paid_in_full_is_kept_when_the_payment_comes_and_the_case_closes()
    {
        var run = AfterFirstCall();
        run.Do(Promising(run, 1200m, new DateOnly(2026, 7, 10)));
        run.RunUntil(At(7, 8, 10)).Paid("F-1", 0);
        Assert.Equal([typeof(InvoiceLeftCase), typeof(PaymentPromiseKept), typeof(DunningCaseClosed)], run.Decided.Select(e => e.GetType()));
        Assert.Equal(new PaymentPromiseKept(G(200), 1200m, At(7, 8, 10)), run.Decided[1]);
        Assert.Equal(CaseStatus.Closed, run.State!.Status);
        run.RunDays(30);
        Assert.Equal(Ladder, run.Actions);
        Assert.DoesNotContain(run.Events, e => e is PaymentPromiseBroken);
    }

    [Fact]
    public void A_promise_of_part_of_the_debt_is_kept_when_that_much_is_paid_and_the_chase_goes_on_for_the_rest()
    {
        var run = AfterFirstCall();
        run.Do(Promising(run, 500m, new DateOnly(2026, 7, 10)));
        run.RunUntil(At(7, 6, 10)).Paid("F-1", 700m);
        Assert.Equal([typeof(InvoiceBalanceChanged), typeof(PaymentPromiseKept)], run.Decided.Select(e => e.GetType()));
        Assert.Equal(500m, ((PaymentPromiseKept)run.Decided[1]).Paid);
        Assert.Null(run.State!.Promise);
        run.RunUntil(At(7, 10));
        Assert.Equal([.. Ladder, "2026-07-09 email-reminder email [F-1]"], run.Actions); // on time, as if nothing had been promised
        Assert.Equal(700m, run.Events.OfType<ReminderRequested>().Last().Invoices.Single().Outstanding);
    }

    [Fact]
    public void A_promise_on_one_invoice_leaves_the_others_chased_and_kept_the_chase_of_the_rest_continues()
    {
        var run = AfterFirstCall(TwoInvoices());
        run.Do(Promising(run, 1200m, new DateOnly(2026, 7, 20), Numbers("F-1")));
        Assert.Equal(At(7, 24), ((PaymentPromised)run.Decided.Single()).DeadlineAt);
        run.RunUntil(At(7, 17, 10)).Paid("F-1", 0);
        Assert.Equal([typeof(InvoiceLeftCase), typeof(PaymentPromiseKept)], run.Decided.Select(e => e.GetType()));
        run.RunUntil(At(7, 24, 10));
        Assert.Equal(
        [
            "2026-06-20 courtesy-reminder-1 email [F-1,F-2]",
            "2026-06-27 courtesy-reminder-2 email [F-1,F-2]",
            "2026-07-01 first-call phone [F-1,F-2]",
            "2026-07-09 email-reminder email [F-2]",
            "2026-07-16 second-call phone [F-2]",
            "2026-07-23 reminder-letter letter [F-2]",
            "2026-07-23 reminder-letter email [F-2]",
        ], run.Actions);
        Assert.Equal(CaseStatus.Open, run.State!.Status);
    }

    [Fact]
    public void A_promise_is_refused_in_the_past_too_far_ahead_above_what_is_owed_not_positive_or_while_another_is_in_force()
    {
        var run = AfterFirstCall();
        IsRefused(run.Refused(Promising(run, 1200m, new DateOnly(2026, 6, 30))), "promisedFor", 400);
        IsRefused(run.Refused(Promising(run, 1200m, new DateOnly(2026, 9, 30))), "promisedFor", 400); // 91 days ahead
        IsRefused(run.Refused(Promising(run, 1200.01m, new DateOnly(2026, 7, 10))), "amount", 400);
        IsRefused(run.Refused(Promising(run, 0m, new DateOnly(2026, 7, 10))), "amount", 400);
        IsRefused(run.Refused(Promising(run, -5m, new DateOnly(2026, 7, 10))), "amount", 400);
        IsRefused(run.Refused(Promising(run, 100m, new DateOnly(2026, 7, 10), Numbers("F-9"))), "invoices[0]", 400);

        run.Do(Promising(run, 1200m, new DateOnly(2026, 9, 29))); // 90 days ahead: the furthest
        Assert.Equal(At(10, 3), ((PaymentPromised)run.Decided.Single()).DeadlineAt);
        IsRefused(run.Refused(Promising(run, 100m, new DateOnly(2026, 7, 10), id: 201)), "case", 409);
        IsRefused(run.Refused(Agreeing(run, null, (new DateOnly(2026, 7, 15), 1200m))), "case", 409);

        var today = AfterFirstCall();
        today.Do(Promising(today, 1200m, new DateOnly(2026, 7, 1))); // today is not the past
        Assert.Equal(At(7, 5), ((PaymentPromised)today.Decided.Single()).DeadlineAt);
    }

    // ——— 3. Payment plans ———

    static readonly (DateOnly, decimal)[] ThreeInstalments =
        [(new DateOnly(2026, 7, 15), 400m), (new DateOnly(2026, 8, 15), 400m), (new DateOnly(2026, 9, 15), 400m)];

    [Fact]
    public void A_payment_plan_paid_on_time_keeps_the_chase_paused_until_it_is_completed()
    {
        var run = AfterFirstCall();
        run.Do(Agreeing(run, null, ThreeInstalments));
        Assert.Equivalent(new PaymentPlanAgreed(G(300),
            [new Instalment(1, new DateOnly(2026, 7, 15), 400m), new Instalment(2, new DateOnly(2026, 8, 15), 400m), new Instalment(3, new DateOnly(2026, 9, 15), 400m)],
            [new ArrangedInvoice("F-1", 1200m)], 3, "cash flow", "alice", At(7, 1, 10)), Assert.Single(run.Decided), strict: true);
        Assert.Equal(At(7, 19), run.State!.NextActionAt); // instalment 1 plus 3 days' grace, the morning after

        run.RunUntil(At(7, 18, 10)).Paid("F-1", 800m); // late, but within the grace period
        Assert.Equal(new InstalmentPaid(G(300), 1, 400m, At(7, 18, 10)), run.Decided[1]);
        Assert.Equal(At(8, 19), run.State!.NextActionAt);
        run.RunUntil(At(8, 14, 10)).Paid("F-1", 400m);
        Assert.Equal(new InstalmentPaid(G(300), 2, 800m, At(8, 14, 10)), run.Decided[1]);
        run.RunUntil(At(9, 14, 10)).Paid("F-1", 0);
        Assert.Equal([typeof(InvoiceLeftCase), typeof(InstalmentPaid), typeof(PaymentPlanCompleted), typeof(DunningCaseClosed)], run.Decided.Select(e => e.GetType()));
        Assert.Equal(new InstalmentPaid(G(300), 3, 1200m, At(9, 14, 10)), run.Decided[1]);
        Assert.Equal(new PaymentPlanCompleted(G(300), 1200m, At(9, 14, 10)), run.Decided[2]);
        Assert.Equal(Ladder, run.Actions);
        Assert.DoesNotContain(run.Events, e => e is PaymentPlanBroken);
    }

    [Fact]
    public void A_payment_plan_completed_early_leaves_the_other_invoices_chased()
    {
        var run = AfterFirstCall(TwoInvoices());
        run.Do(Agreeing(run, Numbers("F-1"), ThreeInstalments));
        run.RunUntil(At(7, 5, 10)).Paid("F-1", 0);
        Assert.Equal([typeof(InvoiceLeftCase), typeof(InstalmentPaid), typeof(InstalmentPaid), typeof(InstalmentPaid), typeof(PaymentPlanCompleted)],
            run.Decided.Select(e => e.GetType()));
        Assert.Null(run.State!.PaymentPlan);
        run.RunUntil(At(7, 10));
        Assert.Equal("2026-07-09 email-reminder email [F-2]", run.Actions[^1]);
    }

    [Fact]
    public void A_missed_instalment_breaks_the_plan_at_its_date_plus_grace_and_the_chase_resumes_at_once()
    {
        var run = AfterFirstCall();
        run.Do(Agreeing(run, null, ThreeInstalments));
        run.RunUntil(At(7, 14, 10)).Paid("F-1", 800m);
        run.RunUntil(At(8, 27));
        var broken = Single<PaymentPlanBroken>(run.Events);
        Assert.Equal((G(300), 2, 800m, 400m, At(8, 19)), (broken.PaymentPlanId, broken.MissedInstalment, broken.DueToDate, broken.PaidToDate, broken.At));
        Assert.Equal(At(8, 19), Assert.IsType<ReminderRequested>(run.Events[run.Events.IndexOf(broken) + 1]).RequestedAt);
        Assert.Equal([.. Ladder, "2026-08-19 email-reminder email [F-1]", "2026-08-26 second-call phone [F-1]"], run.Actions);
        Assert.Equal(800m, run.Events.OfType<ReminderRequested>().Last().Invoices.Single().Outstanding);
        Assert.Null(run.State!.PaymentPlan);

        var nothingPaid = AfterFirstCall();
        nothingPaid.Do(Agreeing(nothingPaid, null, ThreeInstalments)).RunUntil(At(7, 20));
        var missed = Single<PaymentPlanBroken>(nothingPaid.Events);
        Assert.Equal((1, 400m, 0m, At(7, 19)), (missed.MissedInstalment, missed.DueToDate, missed.PaidToDate, missed.At));
        Assert.Equal([.. Ladder, "2026-07-19 email-reminder email [F-1]"], nothingPaid.Actions);
    }

    [Fact]
    public void A_payment_plan_must_add_up_to_what_is_owed_with_increasing_future_dates_and_positive_amounts()
    {
        var run = AfterFirstCall();
        IsRefused(run.Refused(Agreeing(run, null, (new DateOnly(2026, 7, 15), 600m), (new DateOnly(2026, 8, 15), 500m))), "instalments", 400);
        IsRefused(run.Refused(Agreeing(run, null)), "instalments", 400);
        IsRefused(run.Refused(Agreeing(run, null, (new DateOnly(2026, 7, 15), 1200m), (new DateOnly(2026, 8, 15), 0m))), "instalments[1].amount", 400);
        IsRefused(run.Refused(Agreeing(run, null, (new DateOnly(2026, 8, 15), 600m), (new DateOnly(2026, 7, 15), 600m))), "instalments[1].dueDate", 400);
        IsRefused(run.Refused(Agreeing(run, null, (new DateOnly(2026, 8, 15), 600m), (new DateOnly(2026, 8, 15), 600m))), "instalments[1].dueDate", 400);
        IsRefused(run.Refused(Agreeing(run, null, (new DateOnly(2026, 6, 30), 600m), (new DateOnly(2026, 8, 15), 600m))), "instalments[0].dueDate", 400);
        IsRefused(run.Refused(Agreeing(run, Numbers("F-9"), (new DateOnly(2026, 7, 15), 1200m))), "invoices[0]", 400);
        run.Do(Agreeing(run, null, (new DateOnly(2026, 7, 1), 600m), (new DateOnly(2026, 8, 15), 600m))); // today is not the past
        Assert.IsType<PaymentPlanAgreed>(Assert.Single(run.Decided));
        IsRefused(run.Refused(Promising(run, 100m, new DateOnly(2026, 7, 10))), "case", 409);
    }

    // ——— 4. Holds ———

    [Fact]
    public void A_person_holds_the_case_until_a_date_then_the_hold_is_lifted_by_the_system_and_the_chase_resumes()
    {
        var run = OneInvoice().RunUntil(At(7, 2, 10));
        run.Do(s => HoldDecider.Decide(new SetHold(null, "negotiating", new DateOnly(2026, 7, 20), "alice", At(7, 2, 10)), s, CaseSimulation.Policy));
        Assert.Equivalent(new CaseHoldSet("negotiating", new DateOnly(2026, 7, 20), At(7, 21), At(7, 2, 10)) { By = "alice" }, Assert.Single(run.Decided), strict: true);
        Assert.Equal(At(7, 21), run.State!.NextActionAt);

        // The ERP's update of the customer, without a hold, does not lift a person's hold.
        run.RunUntil(At(7, 5, 10)).Customer_(CaseSimulation.Customer with { Name = "Dupont SAS" }, null);
        Assert.IsType<CaseContactChanged>(Assert.Single(run.Decided));
        Assert.Equal("alice", run.State!.PersonHold!.By);
        Assert.Null(run.State.Hold);

        run.RunUntil(At(8, 5, 10));
        var lifted = Single<CaseHoldLifted>(run.Events);
        Assert.Equal(("system", At(7, 21), "expired: on hold until 2026-07-20 (negotiating, set by alice)", "person"), (lifted.By, lifted.LiftedAt, lifted.Reason, lifted.Of));
        Assert.Equal(
        [
            .. Ladder,
            "2026-07-21 email-reminder email [F-1]",
            "2026-07-28 second-call phone [F-1]",
            "2026-08-04 reminder-letter letter [F-1]",
            "2026-08-04 reminder-letter email [F-1]",
        ], run.Actions);
    }

    [Fact]
    public void A_person_lifts_the_hold_early_and_the_chase_resumes_at_the_next_run()
    {
        var run = OneInvoice().RunUntil(At(7, 2, 10));
        run.Do(s => HoldDecider.Decide(new SetHold(null, "negotiating", new DateOnly(2026, 7, 20), "alice", At(7, 2, 10)), s, CaseSimulation.Policy));
        run.RunUntil(At(7, 10, 10)).Do(s => HoldDecider.Decide(new LiftHold(null, "talks failed", "alice", At(7, 10, 10)), s));
        Assert.Equivalent(new CaseHoldLifted(At(7, 10, 10)) { Reason = "talks failed", By = "alice", Of = "person" }, Assert.Single(run.Decided), strict: true);
        run.RunUntil(At(7, 11));
        Assert.Equal([.. Ladder, "2026-07-10 email-reminder email [F-1]"], run.Actions);
        Assert.Equal(At(7, 10, 11), run.Events.OfType<ReminderRequested>().Last().RequestedAt);
        IsRefused(run.Refused(s => HoldDecider.Decide(new LiftHold(null, "again", "alice", run.Now), s)), "hold", 409);
    }

    [Fact]
    public void A_hold_on_one_invoice_takes_it_out_of_the_chase_while_the_others_go_on_and_it_expires_by_itself()
    {
        var run = AfterFirstCall(TwoInvoices()).RunUntil(At(7, 2, 10));
        run.Do(s => HoldDecider.Decide(new SetHold("F-1", "checking the delivery", new DateOnly(2026, 7, 20), "alice", At(7, 2, 10)), s, CaseSimulation.Policy));
        Assert.Equal(new InvoiceHoldSet("F-1", "checking the delivery", new DateOnly(2026, 7, 20), At(7, 21), "alice", At(7, 2, 10)), Assert.Single(run.Decided));
        run.RunUntil(At(7, 24));
        Assert.Equal(
        [
            "2026-06-20 courtesy-reminder-1 email [F-1,F-2]",
            "2026-06-27 courtesy-reminder-2 email [F-1,F-2]",
            "2026-07-01 first-call phone [F-1,F-2]",
            "2026-07-09 email-reminder email [F-2]",
            "2026-07-16 second-call phone [F-2]",
            "2026-07-23 reminder-letter letter [F-1,F-2]", // F-1 back, at the level the case has reached
            "2026-07-23 reminder-letter email [F-1,F-2]",
        ], run.Actions);
        Assert.Equal(new InvoiceHoldLifted("F-1", "expired: held until 2026-07-20 (checking the delivery)", "system", At(7, 21)), Single<InvoiceHoldLifted>(run.Events));
        IsRefused(run.Refused(s => HoldDecider.Decide(new LiftHold("F-1", "paid", "alice", run.Now), s)), "hold", 409);
    }

    [Fact]
    public void A_hold_is_refused_in_the_past_or_on_an_invoice_the_case_does_not_owe_and_lifting_needs_a_hold()
    {
        var run = AfterFirstCall();
        IsRefused(run.Refused(s => HoldDecider.Decide(new SetHold(null, "x", new DateOnly(2026, 6, 30), "alice", run.Now), s, CaseSimulation.Policy)), "until", 400);
        IsRefused(run.Refused(s => HoldDecider.Decide(new SetHold("F-1", "x", new DateOnly(2026, 6, 30), "alice", run.Now), s, CaseSimulation.Policy)), "until", 400);
        IsRefused(run.Refused(s => HoldDecider.Decide(new SetHold("F-9", "x", new DateOnly(2026, 7, 20), "alice", run.Now), s, CaseSimulation.Policy)), "invoiceNumber", 400);
        IsRefused(run.Refused(s => HoldDecider.Decide(new LiftHold(null, "x", "alice", run.Now), s)), "hold", 409);
        IsRefused(run.Refused(s => HoldDecider.Decide(new LiftHold("F-1", "x", "alice", run.Now), s)), "hold", 409);
        run.Do(s => HoldDecider.Decide(new SetHold(null, "today only", new DateOnly(2026, 7, 1), "alice", run.Now), s, CaseSimulation.Policy));
        Assert.Equal(At(7, 2), ((CaseHoldSet)run.Decided.Single()).ResumesAt);
    }

    // ——— 5. Disputes recorded by people ———

    [Fact]
    public void A_dispute_on_one_invoice_leaves_the_others_chased()
    {
        var run = AfterFirstCall(TwoInvoices()).RunUntil(At(7, 2, 10));
        run.Do(Opening(run, Disputes.WrongAmount, Numbers("F-2"), comment: "billed twice"));
        Assert.Equivalent(new InvoiceDisputed("F-2", "DP-1", "wrong-amount: billed twice", At(7, 2, 10)) { Category = "wrong-amount", By = "alice" },
            Assert.Single(run.Decided), strict: true);
        var dispute = Assert.Single(run.State!.Disputes);
        Assert.Equal(("DP-1", "wrong-amount", "alice", At(7, 2, 10)), (dispute.DisputeId, dispute.Category, dispute.By, dispute.OpenedAt));
        Assert.Equal(["F-2"], dispute.Invoices);
        run.RunUntil(At(7, 10));
        Assert.Equal("2026-07-09 email-reminder email [F-1]", run.Actions[^1]);
        IsRefused(run.Refused(Opening(run, Disputes.Quality, Numbers("F-1"))), "disputeId", 409); // DP-1 is already open
    }

    [Fact]
    public void A_dispute_on_the_whole_case_stops_everything_until_it_is_rejected()
    {
        var run = AfterFirstCall(TwoInvoices()).RunUntil(At(7, 2, 10));
        run.Do(Opening(run, Disputes.Quality, null));
        Assert.Equal(["F-1", "F-2"], run.Decided.Cast<InvoiceDisputed>().Select(d => d.InvoiceNumber));
        Assert.Null(run.State!.NextActionAt);
        run.RunUntil(At(8, 1, 10));
        Assert.Equal(3, run.Actions.Count);

        run.Do(Resolving(run, Disputes.Rejected));
        Assert.All(run.Decided.Cast<InvoiceDisputeClosed>(), c => Assert.Equal(("rejected", (DateTimeOffset?)null, "alice"), (c.Outcome, c.AwaitCorrectionUntil, c.By)));
        Assert.Equal(2, run.Decided.Count);
        Assert.Empty(run.State!.Disputes);
        run.RunUntil(At(8, 9));
        Assert.Equal(["2026-08-01 email-reminder email [F-1,F-2]", "2026-08-08 second-call phone [F-1,F-2]"], run.Actions.Skip(3));
    }

    [Fact]
    public void A_dispute_resolved_by_a_credit_note_waits_for_the_erps_new_balance()
    {
        var run = OneInvoice().RunUntil(At(7, 2, 10));
        run.Do(Opening(run, Disputes.WrongAmount, Numbers("F-1")));
        run.RunUntil(At(7, 3, 10)).Do(Resolving(run, Disputes.CreditNote));
        Assert.Equivalent(new InvoiceDisputeClosed("F-1", "DP-1", "credit-note", At(7, 3, 10)) { Outcome = "credit-note", By = "alice", AwaitCorrectionUntil = At(7, 18) },
            Assert.Single(run.Decided), strict: true);
        var invoice = run.State!.OpenInvoices.Single();
        Assert.Equal((At(7, 18), "DP-1", false), (invoice.AwaitingCorrectionUntil, invoice.AwaitingCorrectionFor, invoice.Chased));
        Assert.Equal(At(7, 18), run.State.NextActionAt);

        run.RunUntil(At(7, 10, 10));
        Assert.Equal(Ladder, run.Actions);
        run.Do(s => DunningCaseDecider.Decide(new ChangeInvoiceBalance(s.Id, "F-1", 1000m, Due, "credit-note", At(7, 10, 10)), s));
        Assert.Null(run.State!.OpenInvoices.Single().AwaitingCorrectionUntil);
        run.RunUntil(At(7, 11));
        Assert.Equal([.. Ladder, "2026-07-10 email-reminder email [F-1]"], run.Actions);
        Assert.Equal(1000m, run.Events.OfType<ReminderRequested>().Last().Invoices.Single().Outstanding);
        Assert.DoesNotContain(run.Events, e => e is InvoiceCorrectionNotReceived);
    }

    [Fact]
    public void A_credit_note_the_erp_never_sends_puts_the_invoice_back_in_the_chase_as_it_stands()
    {
        var run = OneInvoice().RunUntil(At(7, 2, 10));
        run.Do(Opening(run, Disputes.WrongAmount, Numbers("F-1")));
        run.RunUntil(At(7, 3, 10)).Do(Resolving(run, Disputes.CorrectedInvoice));
        run.RunUntil(At(7, 26));
        var lapsed = Single<InvoiceCorrectionNotReceived>(run.Events);
        Assert.Equal(("F-1", "DP-1", At(7, 18)), (lapsed.InvoiceNumber, lapsed.DisputeId, lapsed.At));
        Assert.Equal(At(7, 18), Assert.IsType<ReminderRequested>(run.Events[run.Events.IndexOf(lapsed) + 1]).RequestedAt);
        Assert.Equal([.. Ladder, "2026-07-18 email-reminder email [F-1]", "2026-07-25 second-call phone [F-1]"], run.Actions);
        Assert.Equal(1200m, run.Events.OfType<ReminderRequested>().Last().Invoices.Single().Outstanding);
    }

    [Fact]
    public void An_invoice_not_received_is_sent_again_given_time_to_be_paid_and_not_escalated()
    {
        var run = AfterFirstCall().RunUntil(At(7, 2, 10));
        run.Do(Opening(run, Disputes.NotReceived, Numbers("F-1"), id: "DP-2"));
        Assert.Equal([typeof(InvoiceDisputed), typeof(InvoiceDisputeClosed), typeof(InvoiceHoldSet), typeof(ReminderRequested)], run.Decided.Select(e => e.GetType()));
        Assert.Equivalent(new InvoiceDisputed("F-1", "DP-2", "not-received", At(7, 2, 10)) { Category = "not-received", By = "alice" }, run.Decided[0], strict: true);
        Assert.Equivalent(new InvoiceDisputeClosed("F-1", "DP-2", "resent-invoice: sent again", At(7, 2, 10)) { Outcome = "resent-invoice", By = "alice" }, run.Decided[1], strict: true);
        Assert.Equal(new InvoiceHoldSet("F-1", "sent again on 2026-07-02 (the customer said it had not received F-1): 8 days to pay it",
            new DateOnly(2026, 7, 10), At(7, 11), "alice", At(7, 2, 10)), run.Decided[2]);
        var resend = (ReminderRequested)run.Decided[3];
        var actionId = DunningCaseDecider.Derive(G(400), 0);
        Assert.Equal((DunningCaseDecider.Derive(actionId, 1), actionId, "invoice-resend", 0, "email", "invoice-resend", "courteous", "collector", (int?)8, "alice"),
            (resend.ReminderId, resend.ActionId, resend.Step, resend.Level, resend.Channel, resend.Template, resend.Tone, resend.Actor, resend.PaymentDeadlineDays, resend.RequestedBy));
        Assert.Equal(("anne.martin@dupont.example", "the customer said it had not received F-1", At(7, 4)), (resend.Recipient.Email, resend.Reason, resend.NextNotBefore));
        Assert.Equivalent(new[] { new RemindedInvoice("F-1", new DateOnly(2026, 5, 31), Due, 1200m, 2) }, resend.Invoices, strict: true);
        Assert.Empty(resend.Claims);

        var invoice = run.State!.OpenInvoices.Single();
        Assert.Equal((2, 0), (invoice.Level, invoice.OpenDisputes.Count)); // still at the first call: not escalated
        Assert.Empty(run.State.Disputes);
        Assert.Equal(At(7, 11), run.State.NextActionAt);

        run.RunUntil(At(7, 19));
        Assert.Equal([.. Ladder, "2026-07-02 invoice-resend email [F-1]", "2026-07-11 email-reminder email [F-1]", "2026-07-18 second-call phone [F-1]"], run.Actions);
        Assert.Equal(At(7, 11), Single<InvoiceHoldLifted>(run.Events).LiftedAt);
    }

    [Fact]
    public void A_dispute_resolved_by_sending_the_invoice_again_holds_it_for_its_payment()
    {
        var run = AfterFirstCall().RunUntil(At(7, 2, 10));
        run.Do(Opening(run, Disputes.Other, null));
        run.Do(Resolving(run, Disputes.ResentInvoice));
        Assert.Equal([typeof(InvoiceDisputeClosed), typeof(InvoiceHoldSet), typeof(ReminderRequested)], run.Decided.Select(e => e.GetType()));
        var resend = (ReminderRequested)run.Decided[2];
        Assert.Equal(("invoice-resend", 0, "alice"), (resend.Step, resend.Level, resend.RequestedBy));
        Assert.Equal(2, run.State!.OpenInvoices.Single().Level);
        run.RunUntil(At(7, 12));
        Assert.Equal("2026-07-11 email-reminder email [F-1]", run.Actions[^1]);
    }

    [Fact]
    public void A_dispute_with_an_unknown_reason_or_resolution_or_an_unknown_dispute_is_refused()
    {
        var run = AfterFirstCall();
        IsRefused(run.Refused(Opening(run, "too-expensive", null)), "reason", 400);
        IsRefused(run.Refused(Resolving(run, Disputes.Rejected, "DP-9")), "disputeId", 409);
        run.Do(Opening(run, Disputes.Quality, null));
        IsRefused(run.Refused(Resolving(run, "forgiven")), "resolution", 400);
        IsRefused(run.Refused(Opening(run, Disputes.Quality, Numbers("F-9"), id: "DP-2")), "invoices[0]", 400);
    }

    [Fact]
    public void A_customer_saying_on_a_call_it_already_paid_opens_an_already_paid_dispute_on_the_calls_invoices()
    {
        var run = AfterFirstCall(TwoInvoices()).Invoice("F-3", new DateOnly(2026, 7, 31), 500m, issued: new(2026, 7, 1));
        var call = run.State!.Calls.Single();
        run.Do(Logging(run, call.CallId, CallOutcomes.SaysAlreadyPaid));
        var disputeId = $"D-{G(100):N}"[..14];
        Assert.Equal([typeof(CallLogged), typeof(InvoiceDisputed), typeof(InvoiceDisputed)], run.Decided.Select(e => e.GetType()));
        Assert.Equivalent(new InvoiceDisputed("F-1", disputeId, "already-paid: spoke to accounts", At(7, 1, 10)) { Category = "already-paid", By = "alice" }, run.Decided[1], strict: true);
        Assert.Equal("F-2", ((InvoiceDisputed)run.Decided[2]).InvoiceNumber);
        Assert.Equal(["F-1", "F-2"], run.State!.Disputes.Single().Invoices);
        Assert.Empty(run.State.OpenInvoices.Single(i => i.InvoiceNumber == "F-3").OpenDisputes);
        Assert.Empty(run.State.Calls);
    }

    [Fact]
    public void A_dispute_whose_invoices_were_all_paid_is_no_longer_open_on_the_case()
    {
        var run = AfterFirstCall(TwoInvoices()).RunUntil(At(7, 2, 10));
        run.Do(Opening(run, Disputes.AlreadyPaid, Numbers("F-2")));
        run.Paid("F-2", 0);
        Assert.Empty(run.State!.Disputes);
        IsRefused(run.Refused(Resolving(run, Disputes.Rejected)), "disputeId", 409);
    }

    // ——— 6. Manual actions ———

    static Func<DunningCase, IReadOnlyList<object>> SendingNow(CaseSimulation run, string? step = null, bool mayApprove = false, string by = "alice") =>
        s => DunningCaseDecider.Decide(new SendStepNow(G(500), step, "customer asked", by, mayApprove, run.Now), s, CaseSimulation.Law);

    static Func<DunningCase, IReadOnlyList<object>> Skipping(CaseSimulation run, string? step = null, bool mayApprove = false) =>
        s => DunningCaseDecider.Decide(new SkipStep(G(501), step, "done by hand", "alice", mayApprove, run.Now), s);

    static Func<DunningCase, IReadOnlyList<object>> Lowering(CaseSimulation run, string? step = null) =>
        s => DunningCaseDecider.Decide(new LowerLevel(step, "customer answered", "alice", run.Now), s);

    [Fact]
    public void The_next_step_sent_now_goes_at_once_and_the_following_one_is_timed_from_it()
    {
        var run = AfterFirstCall().RunUntil(At(7, 2, 10));
        run.Do(SendingNow(run));
        var sent = Assert.IsType<ReminderRequested>(Assert.Single(run.Decided));
        Assert.Equal((DunningCaseDecider.Derive(G(500), 1), G(500), "email-reminder", 4, "email", "alice", At(7, 2, 10), At(7, 5, 10)),
            (sent.ReminderId, sent.ActionId, sent.Step, sent.Level, sent.Channel, sent.RequestedBy, sent.RequestedAt, sent.NextNotBefore));
        Assert.Equal("email-reminder (step 4 of plan *:standard v1) taken now by alice: customer asked", sent.Reason);
        Assert.Empty(run.State!.Calls); // the first call, not logged, is superseded
        run.RunUntil(At(7, 10));
        Assert.Equal([.. Ladder, "2026-07-02 email-reminder email [F-1]", "2026-07-09 second-call phone [F-1]"], run.Actions);
    }

    [Fact]
    public void A_step_sent_now_ignores_its_minimum_amount()
    {
        var run = OneInvoice(80m).RunUntil(At(7, 24, 10));
        run.Do(SendingNow(run));
        var letter = Assert.IsType<ReminderRequested>(Assert.Single(run.Decided));
        Assert.Equal(("warning-letter", "letter", "alice"), (letter.Step, letter.Channel, letter.RequestedBy));
        // Left to the schedule, it is skipped for its amount.
        var scheduled = OneInvoice(80m).RunUntil(At(8, 3));
        Assert.Equal("2026-08-02 warning-letter skipped [F-1]", scheduled.Actions[^1]);
        Assert.IsType<ReminderRequested>(SendingNow(scheduled, "warning-letter")(scheduled.State!).Single());
    }

    [Fact]
    public void A_step_needing_approval_is_taken_by_hand_only_by_someone_who_may_approve_and_settles_the_pending_approval()
    {
        var run = OneInvoice().RunUntil(At(8, 3, 10));
        IsRefused(run.Refused(SendingNow(run)), "step", 403);
        IsRefused(run.Refused(SendingNow(run, "formal-notice")), "step", 403);
        IsRefused(run.Refused(SendingNow(run, "litigation")), "step", 403);
        run.Do(SendingNow(run, mayApprove: true, by: "manager@acme"));
        var notice = Assert.IsType<ReminderRequested>(Assert.Single(run.Decided));
        Assert.Equal(("formal-notice", "registered-letter", "manager@acme"), (notice.Step, notice.Channel, notice.RequestedBy));
        Assert.Single(notice.Claims);

        var pending = OneInvoice().RunUntilApprovalAwaited(90);
        var awaiting = pending.State!.AwaitingApproval!;
        IsRefused(pending.Refused(SendingNow(pending)), "step", 403);
        pending.Do(SendingNow(pending, mayApprove: true, by: "manager@acme"));
        Assert.Equal(awaiting.ActionId, ((ReminderRequested)pending.Decided.Single()).ActionId);
        Assert.Null(pending.State!.AwaitingApproval);
        // No proof of receipt heard of: the hand-over waits for the notice's deadline from its presumed receipt (FormalNoticeReceiptTests).
        pending.RunDays(31);
        Assert.Equal(["2026-08-12 formal-notice awaits approval", "2026-08-12 formal-notice registered-letter [F-1]", "2026-09-11 litigation awaits approval"],
            pending.Actions.TakeLast(3));
    }

    [Fact]
    public void A_skipped_step_moves_the_ladder_past_it_and_the_next_step_is_timed_from_the_skip()
    {
        var run = AfterFirstCall().RunUntil(At(7, 2, 10));
        run.Do(Skipping(run));
        Assert.Equivalent(new StepSkipped(G(501), "email-reminder", 4, [new RemindedInvoice("F-1", new DateOnly(2026, 5, 31), Due, 1200m, 2)],
            "skipped by alice: done by hand", At(7, 2, 10)) { By = "alice" }, Assert.Single(run.Decided), strict: true);
        run.RunUntil(At(7, 10));
        Assert.Equal([.. Ladder, "2026-07-02 email-reminder skipped [F-1]", "2026-07-09 second-call phone [F-1]"], run.Actions);
        IsRefused(run.Refused(Skipping(run, "email-reminder")), "step", 409); // nothing is below it any more
        IsRefused(run.Refused(Skipping(run, "courtesy-reminder-1")), "step", 400);
    }

    [Fact]
    public void After_a_refused_approval_a_person_skipping_or_sending_a_step_restarts_the_ladder()
    {
        var skipped = OneInvoice().RunUntilApprovalAwaited(90).Approve(approve: false).RunDays(1);
        Assert.True(skipped.State!.LadderStopped);
        // Passing over a step needing approval is deciding it: not a collector's to do.
        IsRefused(skipped.Refused(Skipping(skipped)), "step", 403);
        skipped.Do(Skipping(skipped, mayApprove: true));
        Assert.Equal(("formal-notice", "alice"), (((StepSkipped)skipped.Decided.Single()).Step, ((StepSkipped)skipped.Decided.Single()).By));
        Assert.False(skipped.State!.LadderStopped);
        skipped.RunDays(11);
        Assert.Equal("2026-08-23 litigation awaits approval", skipped.Actions[^1]);

        var sent = OneInvoice().RunUntilApprovalAwaited(90).Approve(approve: false).RunDays(1);
        sent.Do(SendingNow(sent, "formal-notice", mayApprove: true, by: "manager@acme"));
        Assert.False(sent.State!.LadderStopped);
        sent.RunDays(31);
        Assert.Equal(["2026-08-13 formal-notice registered-letter [F-1]", "2026-09-12 litigation awaits approval"], sent.Actions.TakeLast(2));
    }

    [Fact]
    public void Lowering_the_level_goes_back_one_step_and_the_next_step_is_taken_again_after_its_delay_from_now()
    {
        var run = OneInvoice().RunUntil(At(7, 17, 10));
        run.Do(Lowering(run));
        Assert.Equal(new CaseLevelLowered(4, 3, "email-reminder", "alice", "customer answered", At(7, 17, 10)), Assert.Single(run.Decided));
        Assert.Equal((3, (DateTimeOffset?)At(7, 17, 10)), (run.State!.OpenInvoices.Single().Level, run.State.OpenInvoices.Single().LastStepAt));
        run.RunUntil(At(7, 25));
        Assert.Equal("2026-07-24 second-call phone [F-1]", run.Actions[^1]);
        Assert.Equal(2, run.Actions.Count(a => a.Contains("second-call")));
        var call = Assert.Single(run.State!.Calls); // the second call taken again, one call to make
        Assert.Equal(At(7, 24), call.DueAt);
    }

    [Fact]
    public void Lowering_the_level_to_a_named_step_and_only_below_the_case()
    {
        var run = OneInvoice().RunUntil(At(7, 17, 10));
        IsRefused(run.Refused(Lowering(run, "second-call")), "toStep", 400);
        IsRefused(run.Refused(Lowering(run, "reminder-letter")), "toStep", 400);
        IsRefused(run.Refused(Lowering(run, "courtesy-reminder-2")), "toStep", 400);
        IsRefused(run.Refused(Lowering(run, "no-such-step")), "toStep", 400);
        run.Do(Lowering(run, "first-call"));
        Assert.Equal(new CaseLevelLowered(4, 2, "first-call", "alice", "customer answered", At(7, 17, 10)), Assert.Single(run.Decided));
        run.RunUntil(At(7, 26));
        Assert.Equal("2026-07-25 email-reminder email [F-1]", run.Actions[^1]);

        var fresh = new CaseSimulation(At(5, 31, 10)).Invoice("F-1", Due, 1200m, issued: new(2026, 5, 31)).RunUntil(At(6, 28));
        IsRefused(fresh.Refused(Lowering(fresh)), "toStep", 409);
    }

    [Fact]
    public void A_write_off_closes_the_case_and_later_payments_are_ignored()
    {
        var run = AfterFirstCall(TwoInvoices()).RunUntil(At(7, 2, 10));
        run.Do(s => DunningCaseDecider.Decide(new WriteOff("insolvent", "lead", At(7, 2, 10)), s));
        var why = "written off by lead: insolvent";
        Assert.Equal([typeof(CaseWrittenOff), typeof(InvoiceLeftCase), typeof(InvoiceLeftCase), typeof(DunningCaseClosed)], run.Decided.Select(e => e.GetType()));
        var writtenOff = (CaseWrittenOff)run.Decided[0];
        Assert.Equal((1500m, "lead", "insolvent", At(7, 2, 10)), (writtenOff.Total, writtenOff.By, writtenOff.Reason, writtenOff.At));
        Assert.Equal(["F-1", "F-2"], writtenOff.Invoices.Select(i => i.InvoiceNumber));
        Assert.Equal(new InvoiceLeftCase("F-1", why, At(7, 2, 10)), run.Decided[1]);
        Assert.Equal(new InvoiceLeftCase("F-2", why, At(7, 2, 10)), run.Decided[2]);
        Assert.Equal(new DunningCaseClosed(why, At(7, 2, 10)), run.Decided[3]);
        Assert.Equal((CaseStatus.Closed, (DateTimeOffset?)null, 0), (run.State!.Status, run.State.NextActionAt, run.State.Calls.Count));

        Assert.Empty(DunningCaseDecider.Decide(new RemoveInvoiceFromCase(run.State.Id, "F-1", "settled", At(7, 5)), run.State));
        Assert.Empty(DunningCaseDecider.Decide(new ChangeInvoiceBalance(run.State.Id, "F-2", 100m, Due, "payment", At(7, 5)), run.State));
        IsRefused(run.Refused(s => DunningCaseDecider.Decide(new WriteOff("again", "lead", At(7, 5)), s)), "case", 409);
        run.RunDays(60);
        Assert.Equal(3, run.Actions.Count);
    }

    [Fact]
    public void A_note_is_recorded_and_changes_nothing_else()
    {
        var run = AfterFirstCall();
        var before = run.State!;
        run.Do(s => DunningCaseDecider.Decide(new AddNote(G(600), "the CFO is on holiday until the 15th", "alice", At(7, 1, 10)), s));
        Assert.Equal(new CaseNoteAdded(G(600), "the CFO is on holiday until the 15th", "alice", At(7, 1, 10)), Assert.Single(run.Decided));
        Assert.Same(before, run.State);
    }

    // ——— 7. The state as Marten stores it ———

    [Fact]
    public void A_case_with_calls_a_promise_a_payment_plan_and_holds_round_trips_through_json_and_plans_the_same()
    {
        var run = AfterFirstCall(TwoInvoices()).Invoice("F-3", new DateOnly(2026, 8, 31), 500m, issued: new(2026, 7, 1))
            .Invoice("F-4", new DateOnly(2026, 8, 31), 700m, issued: new(2026, 7, 1));
        var callId = run.State!.Calls.Single().CallId;
        run.Do(s => CallDecider.Decide(new AssignCase("carol", "lead", run.Now), s))
            .Do(Logging(run, callId, CallOutcomes.NoAnswer))
            .Do(Promising(run, 1200m, new DateOnly(2026, 7, 10), Numbers("F-1")))
            .Do(s => HoldDecider.Decide(new SetHold("F-3", "checking the delivery", new DateOnly(2026, 7, 20), "alice", run.Now), s, CaseSimulation.Policy))
            .Do(s => HoldDecider.Decide(new SetHold(null, "negotiating", new DateOnly(2026, 7, 8), "alice", run.Now), s, CaseSimulation.Policy))
            .Do(Opening(run, Disputes.Quality, Numbers("F-4")))
            .Do(s => [new PhoneNumberReportedWrong("+33 4 72 99 99 99", "alice", run.Now)]);
        // One arrangement at a time through the deciders; the state itself can hold both, and must keep them.
        run.Do(s => [new PaymentPlanAgreed(G(300), [new Instalment(1, new DateOnly(2026, 7, 15), 100m), new Instalment(2, new DateOnly(2026, 8, 15), 200m)],
            [new ArrangedInvoice("F-2", 300m)], 3, "cash flow", "alice", run.Now)]);
        var state = run.State!;
        Assert.NotNull(state.Promise);
        Assert.NotNull(state.PaymentPlan);
        Assert.NotNull(state.PersonHold);
        Assert.NotEmpty(state.Calls);

        var marten = new Marten.StoreOptions().Serializer();
        var json = marten.ToJson(state);
        var back = marten.FromJson<DunningCase>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Equal(json, marten.ToJson(back));
        var plain = System.Text.Json.JsonSerializer.Deserialize<DunningCase>(System.Text.Json.JsonSerializer.Serialize(state))!;

        foreach (var copy in new[] { back, plain })
        {
            Assert.Equal(DunningSchedule.Next(state), DunningSchedule.Next(copy));
            Assert.Equal(DunningSchedule.Reviews(state).ToList(), DunningSchedule.Reviews(copy).ToList());
            Assert.Equal((state.NextActionAt, state.CallsDueFrom, state.Collector), (copy.NextActionAt, copy.CallsDueFrom, copy.Collector));
            Assert.Equivalent(state.Calls, copy.Calls, strict: true);
            Assert.Equivalent(state.Promise, copy.Promise, strict: true);
            Assert.Equivalent(state.PaymentPlan, copy.PaymentPlan, strict: true);
            Assert.Equivalent(state.OpenInvoices, copy.OpenInvoices, strict: true);
            Assert.Equal(state.WrongPhones.Order(), copy.WrongPhones.Order());
            Assert.Equivalent(state.Disputes, copy.Disputes, strict: true);
            // What the scheduler decides from each, at each of the coming reviews, is the same.
            foreach (var when in new[] { At(7, 9), At(7, 14), At(7, 19), At(7, 21) })
            {
                var command = new TakeDueActions(G(700), when);
                Assert.Equal(System.Text.Json.JsonSerializer.Serialize(DunningCaseDecider.Decide(command, state, CaseSimulation.Law)),
                    System.Text.Json.JsonSerializer.Serialize(DunningCaseDecider.Decide(command, copy, CaseSimulation.Law)));
            }
        }
    }
}
