using System.Collections.Immutable;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.Calling;
using Relance.ReminderService.DunningCases.ChangingBalance;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ReminderService.DunningCases.Disputing;
using Relance.ReminderService.DunningCases.Holding;
using Relance.ReminderService.DunningCases.ManualActions;
using Relance.ReminderService.DunningCases.Promising;

namespace Relance.Reminder.Tests;

// The human loop's edges: holds of the ERP and of people kept apart, what a payment is and is not, gates a collector may not cross.
public partial class HumanLoopTests
{
    static Func<DunningCase, IReadOnlyList<object>> Holding(CaseSimulation run, DateOnly until, string? invoice = null) =>
        s => HoldDecider.Decide(new SetHold(invoice, "negotiating", until, "alice", run.Now), s, CaseSimulation.Policy);

    [Fact]
    public void The_ERPs_hold_and_a_persons_are_kept_apart_and_the_later_one_rules()
    {
        var run = OneInvoice().RunUntil(At(7, 2, 10))
            .Customer_(CaseSimulation.Customer, new CustomerHold("receivership", new DateOnly(2026, 9, 30)));
        run.Do(Holding(run, new DateOnly(2026, 7, 20)));
        Assert.Equal(("erp", "alice"), (run.State!.Hold!.By, run.State.PersonHold!.By));

        run.RunUntil(At(7, 22));
        var lifted = Assert.Single(run.Events.OfType<CaseHoldLifted>());
        Assert.Equal("person", lifted.Of);
        Assert.NotNull(run.State!.Hold); // the receivership still holds: nothing is sent
        Assert.Equal(At(10, 1), run.State.NextActionAt);
        // A person cannot lift the ERP's hold.
        IsRefused(run.Refused(s => HoldDecider.Decide(new LiftHold(null, "enough", "alice", run.Now), s)), "hold", 409);
    }

    [Fact]
    public void A_payment_does_not_end_the_wait_for_a_credit_note_a_credit_note_does()
    {
        var run = OneInvoice().RunUntil(At(7, 1, 10));
        run.Do(s => PeopleDisputeDecider.Decide(new OpenDispute(G(1), "DP-1", Disputes.WrongAmount, null, "200 too much", "alice", run.Now), s, CaseSimulation.Policy));
        run.Do(s => PeopleDisputeDecider.Decide(new ResolveDispute(G(2), "DP-1", Disputes.CreditNote, "credit 200", "alice", run.Now), s, CaseSimulation.Policy));
        run.RunUntil(At(7, 3, 10)).Paid("F-1", 200m); // the undisputed 1,000 paid
        Assert.NotNull(run.State!.OpenInvoices.Single().AwaitingCorrectionUntil);
        Assert.False(run.State.OpenInvoices.Single().Chased);

        run.Do(s => DunningCaseDecider.Decide(new ChangeInvoiceBalance(s.Id, "F-1", 0.01m, Due, "credit-note", run.Now), s));
        Assert.Null(run.State!.OpenInvoices.Single().AwaitingCorrectionUntil);
    }

    [Fact]
    public void What_a_promise_counts_as_paid_is_what_each_invoice_went_down_by_never_less_than_nothing()
    {
        var run = OneInvoice(1000m).Invoice("F-2", Due, 500m, issued: new(2026, 5, 31)).RunUntil(At(7, 1, 10));
        run.Do(s => PromisePaymentDecider.Decide(new PromisePayment(G(3), 1000m, new DateOnly(2026, 7, 10), null, null, "alice", run.Now), s, CaseSimulation.Policy));
        // F-2 is corrected upwards by 100, F-1 is paid in full: the 1,000 promised was paid.
        run.Do(s => DunningCaseDecider.Decide(new ChangeInvoiceBalance(s.Id, "F-2", 600m, Due, "correction", run.Now), s));
        run.Paid("F-1", 0m);
        Assert.Equal(1000m, Assert.Single(run.Events.OfType<PaymentPromiseKept>()).Paid);
    }

    [Fact]
    public void A_dispute_the_ERP_sends_again_after_a_person_resolved_it_does_not_reopen()
    {
        var run = OneInvoice().RunUntil(At(7, 1, 10)).Disputed("F-1", opened: true);
        run.Do(s => PeopleDisputeDecider.Decide(new ResolveDispute(G(4), "D-1", Disputes.Rejected, "delivery signed", "alice", run.Now), s, CaseSimulation.Policy));
        run.Disputed("F-1", opened: true); // the same message delivered again
        Assert.Empty(run.Decided);
        Assert.True(run.State!.OpenInvoices.Single().Chased);
    }

    [Fact]
    public void Nothing_is_sent_by_hand_while_the_case_is_held_or_out_of_the_sending_hours()
    {
        var run = OneInvoice().RunUntil(At(7, 2, 10));
        run.Do(Holding(run, new DateOnly(2026, 7, 20)));
        IsRefused(run.Refused(s => DunningCaseDecider.Decide(new SendStepNow(G(5), null, "now", "alice", false, run.Now), s, CaseSimulation.Law)), "step", 409);

        var evening = OneInvoice().RunUntil(At(7, 2, 21));
        IsRefused(evening.Refused(s => DunningCaseDecider.Decide(new SendStepNow(G(5), null, "now", "alice", false, evening.Now), s, CaseSimulation.Law)), "step", 409);
    }

    [Fact]
    public void The_hand_over_to_litigation_is_never_passed_over_even_by_a_manager()
    {
        var run = OneInvoice().RunUntil(At(7, 2, 10));
        IsRefused(run.Refused(s => DunningCaseDecider.Decide(new SkipStep(G(6), "litigation", "no lawyer", "marc", true, run.Now), s)), "step", 409);
    }

    [Fact]
    public void Sending_an_invoice_again_keeps_a_longer_hold_and_leaves_the_dispute_open_when_nowhere_to_send_it()
    {
        var run = OneInvoice().RunUntil(At(7, 1, 10));
        run.Do(Holding(run, new DateOnly(2026, 9, 1), "F-1"));
        run.Do(s => PeopleDisputeDecider.Decide(new OpenDispute(G(7), "DP-2", Disputes.NotReceived, null, null, "alice", run.Now), s, CaseSimulation.Policy));
        Assert.DoesNotContain(run.Decided, e => e is InvoiceHoldSet);
        Assert.Equal(new DateOnly(2026, 9, 1), run.State!.OpenInvoices.Single().Hold!.Until);

        var unreachable = new CaseSimulation(At(5, 31, 10), customer: new CaseCustomer("C1", "Dupont SARL", "")).Invoice("F-1", Due, 1200m, issued: new(2026, 5, 31)).RunUntil(At(7, 1, 10));
        unreachable.Do(s => PeopleDisputeDecider.Decide(new OpenDispute(G(8), "DP-3", Disputes.NotReceived, null, null, "alice", unreachable.Now), s, CaseSimulation.Policy));
        Assert.IsType<InvoiceDisputed>(Assert.Single(unreachable.Decided));
        Assert.False(unreachable.State!.OpenInvoices.Single().Chased);
    }

    [Fact]
    public void What_a_call_obtained_must_match_its_outcome_and_its_refusals_name_the_nested_field()
    {
        var run = OneInvoice().RunUntil(At(7, 1, 10));
        var callId = run.State!.Calls.Single().CallId;
        LogCall Call(string outcome, PromiseTerms? promise) => new(G(9), callId, outcome, null, null, null, null, null, promise, null, "alice", run.Now);
        IsRefused(run.Refused(s => CallDecider.Decide(Call(CallOutcomes.Reached, new PromiseTerms(100m, new DateOnly(2026, 7, 10), null)), s, CaseSimulation.Policy)), "promise", 400);
        IsRefused(run.Refused(s => CallDecider.Decide(Call(CallOutcomes.Promise, new PromiseTerms(5000m, new DateOnly(2026, 7, 10), null)), s, CaseSimulation.Policy)), "promise.amount", 400);
        IsRefused(run.Refused(s => CallDecider.Decide(Call(CallOutcomes.Promise, new PromiseTerms(100m, new DateOnly(2026, 6, 10), null)), s, CaseSimulation.Policy)), "promise.promisedFor", 400);
    }

    [Fact]
    public void A_hold_beyond_the_longest_allowed_is_refused()
    {
        var run = OneInvoice().RunUntil(At(7, 1, 10));
        IsRefused(run.Refused(Holding(run, new DateOnly(9999, 12, 31))), "until", 400);
    }

    [Fact]
    public void An_invoice_too_old_to_chase_automatically_is_chased_once_a_person_takes_it_over()
    {
        // Due 30 June, first seen on 15 October: 107 days overdue, over the plan's 90.
        var run = new CaseSimulation(At(10, 15, 10)).Invoice("F-1", Due, 1200m, issued: new(2026, 5, 31)).RunUntil(At(10, 20));
        Assert.True(run.State!.OpenInvoices.Single().LeftToPerson);
        Assert.Empty(run.Actions);
        IsRefused(run.Refused(s => DunningCaseDecider.Decide(new TakeOver(["F-9"], "cash", "alice", run.Now), s)), "invoices[0]", 400);

        run.Do(s => DunningCaseDecider.Decide(new TakeOver(null, "the customer is solvent again", "alice", run.Now), s));
        var taken = Assert.IsType<InvoicesTakenOver>(Assert.Single(run.Decided));
        Assert.Equal(("F-1", "alice", "the customer is solvent again"), (Assert.Single(taken.Invoices), taken.By, taken.Reason));
        run.RunUntil(At(10, 21));
        Assert.Equal(["2026-10-20 first-call phone [F-1]"], run.Actions);
        IsRefused(run.Refused(s => DunningCaseDecider.Decide(new TakeOver(null, "again", "alice", run.Now), s)), "invoices", 409);
    }
}
