using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ReminderService.DunningCases.ChangingBalance;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ReminderService.DunningCases.Disputing;
using Relance.ReminderService.DunningCases.RecordingReminderSent;
using Relance.ReminderService.DunningCases.RemovingInvoice;
using Relance.ReminderService.DunningCases.RequestingDueReminders;
using Relance.Testing;

namespace Relance.Reminder.Tests;

[Trait("Category", "Unit")]
public class DunningCaseDeciderTests
{
    const string CaseId = "ACME/C1/EUR";
    static readonly DateTimeOffset Now = new(2026, 10, 20, 8, 0, 0, TimeSpan.Zero);
    static readonly DunningPolicy Policy = new();
    static readonly CaseCustomer Customer = new("C1", "Dupont SARL", "compta@dupont.fr");
    static readonly Guid ReminderId = Guid.Parse("0b6a3f52-5d1c-4a55-9a55-0a2f0e6c1d01");

    // F-1 due 31/10 → first reminder 28/10 09:00 Paris (08:00 UTC); F-2 due 30/11 → 27/11 09:00 Paris.
    static readonly DateTimeOffset F1Reminder = new(2026, 10, 28, 9, 0, 0, TimeSpan.FromHours(1));
    static readonly DateTimeOffset F2Reminder = new(2026, 11, 27, 9, 0, 0, TimeSpan.FromHours(1));

    static AddInvoiceToCase Add(string number, DateOnly due, decimal amount = 1200m) =>
        new("ACME", Customer, "EUR", number, due.AddDays(-30), due, amount, Now);

    static readonly DunningCaseOpened Opened = new(CaseId, "ACME", Customer, "EUR", Now);
    static readonly InvoiceJoinedCase F1Joined = new("F-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, F1Reminder, Policy.FirstReminderRule, Now);
    static readonly InvoiceJoinedCase F2Joined = new("F-2", new(2026, 10, 31), new(2026, 11, 30), 500m, F2Reminder, Policy.FirstReminderRule, Now);

    // The reminder names the earliest first-reminder date that made it due: F-1's whenever F-1 is listed.
    static ReminderRequested Requested(DateTimeOffset at, params RemindedInvoice[] invoices) =>
        new(ReminderId, DunningCaseDecider.FirstReminderStep, DunningCaseDecider.EmailChannel, Customer, [.. invoices],
            $"first reminder due at {(invoices.Any(i => i.InvoiceNumber == "F-1") ? F1Reminder : F2Reminder):O} for {string.Join(", ", invoices.Select(i => i.InvoiceNumber))}",
            at, at.AddDays(Policy.MinimumDaysBetweenReminders));

    static readonly RemindedInvoice F1 = new("F-1", new(2026, 10, 1), new(2026, 10, 31), 1200m);
    static readonly RemindedInvoice F2 = new("F-2", new(2026, 10, 31), new(2026, 11, 30), 500m);

    static DeciderSpec<DunningCase> Spec() => new(DunningCaseEvolution.Evolve);

    [Fact]
    public void A_first_unpaid_invoice_opens_the_case_and_plans_its_first_reminder() =>
        Spec().Given().When(s => DunningCaseDecider.Decide(Add("F-1", new(2026, 10, 31)), s, Policy)).Then(Opened, F1Joined);

    [Fact]
    public void An_invoice_already_in_the_case_changes_nothing() =>
        Spec().Given(Opened, F1Joined).When(s => DunningCaseDecider.Decide(Add("F-1", new(2026, 10, 31)), s, Policy)).Then();

    [Fact]
    public void Another_invoice_of_the_customer_joins_the_open_case() =>
        Spec().Given(Opened, F1Joined).When(s => DunningCaseDecider.Decide(Add("F-2", new(2026, 11, 30), 500m), s, Policy)).Then(F2Joined);

    [Fact]
    public void A_new_invoice_reopens_a_closed_case() =>
        Spec().Given(Opened, F1Joined, new InvoiceLeftCase("F-1", "settled", Now), new DunningCaseClosed("every invoice of the case is settled", Now))
            .When(s => DunningCaseDecider.Decide(Add("F-2", new(2026, 11, 30), 500m), s, Policy))
            .Then(new DunningCaseReopened(Now), F2Joined);

    [Fact]
    public void A_settled_invoice_that_comes_again_does_not_rejoin() =>
        Spec().Given(Opened, F1Joined, new InvoiceLeftCase("F-1", "settled", Now), new DunningCaseClosed("every invoice of the case is settled", Now))
            .When(s => DunningCaseDecider.Decide(Add("F-1", new(2026, 10, 31)), s, Policy)).Then();

    [Fact]
    public void Nothing_is_requested_before_the_first_reminder_is_due() =>
        Spec().Given(Opened, F1Joined).When(s => DunningCaseDecider.Decide(new RequestDueReminder(ReminderId, F1Reminder.AddTicks(-1)), s, Policy)).Then();

    [Fact]
    public void The_first_reminder_is_requested_when_due() =>
        Spec().Given(Opened, F1Joined).When(s => DunningCaseDecider.Decide(new RequestDueReminder(ReminderId, F1Reminder), s, Policy))
            .Then(Requested(F1Reminder, F1));

    [Fact]
    public void A_reminder_is_requested_once() =>
        Spec().Given(Opened, F1Joined, Requested(F1Reminder, F1))
            .When(s => DunningCaseDecider.Decide(new RequestDueReminder(Guid.NewGuid(), F1Reminder.AddDays(10)), s, Policy)).Then();

    [Fact]
    public void One_reminder_lists_every_invoice_due_for_it()
    {
        var late = F2Reminder.AddDays(1);
        Spec().Given(Opened, F1Joined, F2Joined).When(s => DunningCaseDecider.Decide(new RequestDueReminder(ReminderId, late), s, Policy))
            .Then(Requested(late, F1, F2));
    }

    [Fact]
    public void An_invoice_long_overdue_when_first_seen_is_left_to_a_person()
    {
        var old = new DateOnly(2026, 6, 1); // 141 days overdue on 20/10
        var outcome = Spec().Given().When(s => DunningCaseDecider.Decide(Add("F-9", old), s, Policy));
        var joined = Assert.IsType<InvoiceJoinedCase>(outcome.Events[1]);
        Assert.Null(joined.FirstReminderAt);
        Assert.Contains("not reminded automatically: 141 days overdue", joined.Rule);
        Assert.Null(outcome.State!.NextReminderAt);
    }

    [Fact]
    public void An_invoice_already_overdue_waits_for_the_customers_other_invoices_arriving_with_it()
    {
        var joined = Assert.IsType<InvoiceJoinedCase>(Spec().Given().When(s => DunningCaseDecider.Decide(Add("F-8", new(2026, 10, 1)), s, Policy)).Events[1]);
        Assert.Equal(Now + Policy.GroupingDelay, joined.FirstReminderAt);
        Assert.Contains("Dunning:GroupingDelay", joined.Rule);
    }

    [Fact]
    public void The_next_reminder_keeps_the_minimum_gap_after_the_last_one()
    {
        var soon = new InvoiceJoinedCase("F-3", new(2026, 10, 1), new(2026, 11, 2), 50m, F1Reminder.AddDays(2), "test", Now);
        var outcome = Spec().Given(Opened, F1Joined, Requested(F1Reminder, F1), soon)
            .When(s => DunningCaseDecider.Decide(new RequestDueReminder(ReminderId, F1Reminder.AddDays(3)), s, Policy)).Then();
        Assert.Equal(F1Reminder.AddDays(Policy.MinimumDaysBetweenReminders), outcome.State!.NextReminderAt);
    }

    [Fact]
    public void Only_the_invoices_due_are_listed_and_the_next_reminder_moves_to_the_next_one()
    {
        var outcome = Spec().Given(Opened, F1Joined, F2Joined, Requested(F1Reminder, F1))
            .When(s => DunningCaseDecider.Decide(new RequestDueReminder(ReminderId, F1Reminder.AddDays(1)), s, Policy)).Then();
        Assert.Equal(F2Reminder, outcome.State!.NextReminderAt);
    }

    static ChangeInvoiceBalance Balance(decimal outstanding, DateOnly? due = null, string reason = "payment") =>
        new(CaseId, "F-1", outstanding, due ?? new(2026, 10, 31), reason, Now);

    [Fact]
    public void A_partial_payment_lowers_what_the_reminder_asks_for()
    {
        var paid = new InvoiceBalanceChanged("F-1", 700m, new(2026, 10, 31), F1Reminder, "payment", Now);
        Spec().Given(Opened, F1Joined).When(s => DunningCaseDecider.Decide(Balance(700m), s, Policy)).Then(paid);
        Spec().Given(Opened, F1Joined, paid).When(s => DunningCaseDecider.Decide(new RequestDueReminder(ReminderId, F1Reminder), s, Policy))
            .Then(Requested(F1Reminder, F1 with { Outstanding = 700m }));
    }

    [Fact]
    public void The_same_balance_twice_changes_nothing() =>
        Spec().Given(Opened, F1Joined, new InvoiceBalanceChanged("F-1", 700m, new(2026, 10, 31), F1Reminder, "payment", Now))
            .When(s => DunningCaseDecider.Decide(Balance(700m), s, Policy)).Then();

    [Fact]
    public void A_correction_that_moves_the_due_date_moves_a_reminder_not_yet_sent()
    {
        var moved = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.FromHours(1));
        var outcome = Spec().Given(Opened, F1Joined)
            .When(s => DunningCaseDecider.Decide(Balance(1500m, new(2026, 11, 30), "correction"), s, Policy))
            .Then(new InvoiceBalanceChanged("F-1", 1500m, new(2026, 11, 30), moved, "correction", Now));
        Assert.Equal(moved, outcome.State!.NextReminderAt);
    }

    [Fact]
    public void A_correction_after_the_reminder_was_requested_does_not_request_it_again()
    {
        var outcome = Spec().Given(Opened, F1Joined, Requested(F1Reminder, F1))
            .When(s => DunningCaseDecider.Decide(Balance(1500m, new(2026, 11, 30), "correction"), s, Policy))
            .Then(new InvoiceBalanceChanged("F-1", 1500m, new(2026, 11, 30), F1Reminder, "correction", Now));
        Assert.Null(outcome.State!.NextReminderAt);
    }

    [Fact]
    public void A_settled_invoice_leaves_while_the_others_are_still_chased()
    {
        var outcome = Spec().Given(Opened, F1Joined, F2Joined)
            .When(s => DunningCaseDecider.Decide(new RemoveInvoiceFromCase(CaseId, "F-1", "settled", Now), s))
            .Then(new InvoiceLeftCase("F-1", "settled", Now));
        Assert.Equal(CaseStatus.Open, outcome.State!.Status);
    }

    [Fact]
    public void Settling_the_last_invoice_closes_the_case() =>
        Spec().Given(Opened, F1Joined).When(s => DunningCaseDecider.Decide(new RemoveInvoiceFromCase(CaseId, "F-1", "settled", Now), s))
            .Then(new InvoiceLeftCase("F-1", "settled", Now), new DunningCaseClosed("no invoice of the case is owed any more (the last one settled)", Now));

    [Fact]
    public void A_cancelled_invoice_leaves_the_case_like_a_paid_one() =>
        Spec().Given(Opened, F1Joined, F2Joined).When(s => DunningCaseDecider.Decide(new RemoveInvoiceFromCase(CaseId, "F-2", "cancelled", Now), s))
            .Then(new InvoiceLeftCase("F-2", "cancelled", Now));

    [Fact]
    public void A_closed_case_requests_no_reminder_ever_again()
    {
        var outcome = Spec().Given(Opened, F1Joined, new InvoiceLeftCase("F-1", "settled", Now), new DunningCaseClosed("every invoice of the case is settled", Now))
            .When(s => DunningCaseDecider.Decide(new RequestDueReminder(ReminderId, F1Reminder.AddYears(1)), s, Policy)).Then();
        Assert.Null(outcome.State!.NextReminderAt);
    }

    [Fact]
    public void A_settlement_for_an_invoice_the_case_does_not_hold_changes_nothing()
    {
        Spec().Given().When(s => DunningCaseDecider.Decide(new RemoveInvoiceFromCase(CaseId, "F-9", "settled", Now), s)).Then();
        Spec().Given(Opened, F1Joined).When(s => DunningCaseDecider.Decide(new RemoveInvoiceFromCase(CaseId, "F-9", "settled", Now), s)).Then();
    }

    [Fact]
    public void A_sent_reminder_is_recorded_once()
    {
        var sent = new RecordReminderSent(CaseId, ReminderId, "email", "compta@dupont.fr", F1Reminder.AddMinutes(1), "ab12");
        var recorded = new ReminderSent(ReminderId, "email", "compta@dupont.fr", F1Reminder.AddMinutes(1), "ab12");
        Spec().Given(Opened, F1Joined, Requested(F1Reminder, F1)).When(s => DunningCaseDecider.Decide(sent, s)).Then(recorded);
        Spec().Given(Opened, F1Joined, Requested(F1Reminder, F1), recorded).When(s => DunningCaseDecider.Decide(sent, s)).Then();
    }

    [Fact]
    public void A_sending_for_a_reminder_the_case_never_requested_is_ignored() =>
        Spec().Given(Opened, F1Joined)
            .When(s => DunningCaseDecider.Decide(new RecordReminderSent(CaseId, Guid.NewGuid(), "email", "x@y.fr", Now, "ab"), s)).Then();

    [Fact]
    public void A_contested_invoice_is_not_reminded_until_its_dispute_is_closed()
    {
        var disputed = new InvoiceDisputed("F-1", "D1", "not-received", Now);
        var contested = Spec().Given(Opened, F1Joined).When(s => DunningCaseDecider.Decide(new RecordDispute(CaseId, "F-1", "D1", true, "not-received", Now), s)).Then(disputed);
        Assert.Null(contested.State!.NextReminderAt);
        Spec().Given(Opened, F1Joined, disputed).When(s => DunningCaseDecider.Decide(new RequestDueReminder(ReminderId, F1Reminder.AddDays(30)), s, Policy)).Then();

        var closed = Spec().Given(Opened, F1Joined, disputed)
            .When(s => DunningCaseDecider.Decide(new RecordDispute(CaseId, "F-1", "D1", false, "invoice-resent", Now), s))
            .Then(new InvoiceDisputeClosed("F-1", "D1", "invoice-resent", Now));
        Assert.Equal(F1Reminder, closed.State!.NextReminderAt);
    }

    [Fact]
    public void While_one_invoice_is_contested_the_others_are_still_reminded() =>
        Spec().Given(Opened, F1Joined, F2Joined, new InvoiceDisputed("F-1", "D1", "quality", Now))
            .When(s => DunningCaseDecider.Decide(new RequestDueReminder(ReminderId, F2Reminder), s, Policy))
            .Then(Requested(F2Reminder, F2));

    [Fact]
    public void A_customer_on_hold_is_not_reminded_before_the_day_after_its_hold()
    {
        var resumes = new DateTimeOffset(2026, 11, 16, 9, 0, 0, TimeSpan.FromHours(1));
        var outcome = Spec().Given(Opened, F1Joined)
            .When(s => DunningCaseDecider.Decide(new ChangeCustomer("ACME", "C1", "Dupont SARL", null, new CustomerHold("négociation", new(2026, 11, 15)), Now), s, Policy))
            .Then(new CaseHoldSet("négociation", new(2026, 11, 15), resumes, Now));
        Assert.Equal(resumes, outcome.State!.NextReminderAt);

        var lifted = Spec().Given(Opened, F1Joined, new CaseHoldSet("négociation", new(2026, 11, 15), resumes, Now))
            .When(s => DunningCaseDecider.Decide(new ChangeCustomer("ACME", "C1", "Dupont SARL", null, null, Now), s, Policy))
            .Then(new CaseHoldLifted(Now));
        Assert.Equal(F1Reminder, lifted.State!.NextReminderAt);
    }

    [Fact]
    public void A_new_billing_contact_receives_the_next_reminders()
    {
        var changed = new CaseContactChanged("Dupont SAS", "factures@dupont.fr", Now);
        Spec().Given(Opened, F1Joined).When(s => DunningCaseDecider.Decide(new ChangeCustomer("ACME", "C1", "Dupont SAS", "factures@dupont.fr", null, Now), s, Policy)).Then(changed);
        Spec().Given(Opened, F1Joined, changed).When(s => DunningCaseDecider.Decide(new ChangeCustomer("ACME", "C1", "Dupont SAS", "factures@dupont.fr", null, Now), s, Policy)).Then();
        Spec().Given(Opened, F1Joined, changed).When(s => DunningCaseDecider.Decide(new RequestDueReminder(ReminderId, F1Reminder), s, Policy))
            .Then(Requested(F1Reminder, F1) with { Recipient = new CaseCustomer("C1", "Dupont SAS", "factures@dupont.fr") });
    }

    [Fact]
    public void A_case_opened_for_a_customer_on_hold_starts_on_hold()
    {
        var resumes = new DateTimeOffset(2026, 11, 16, 9, 0, 0, TimeSpan.FromHours(1));
        Spec().Given().When(s => DunningCaseDecider.Decide(Add("F-1", new(2026, 10, 31)) with { Hold = new CustomerHold("négociation", new(2026, 11, 15)) }, s, Policy))
            .Then(Opened, new CaseHoldSet("négociation", new(2026, 11, 15), resumes, Now), F1Joined);
    }

    [Fact]
    public void A_due_reminder_waits_for_the_sending_hours()
    {
        var evening = new DateTimeOffset(2026, 10, 28, 20, 0, 0, TimeSpan.Zero); // 21:00 in Paris
        Spec().Given(Opened, F1Joined).When(s => DunningCaseDecider.Decide(new RequestDueReminder(ReminderId, evening), s, Policy)).Then();
        var morning = new DateTimeOffset(2026, 10, 29, 7, 0, 0, TimeSpan.Zero); // 08:00 in Paris
        Spec().Given(Opened, F1Joined).When(s => DunningCaseDecider.Decide(new RequestDueReminder(ReminderId, morning), s, Policy))
            .Then(Requested(morning, F1));
    }

    [Fact]
    public void An_invoice_left_out_of_a_reminder_because_contested_is_reminded_once_its_dispute_closes()
    {
        var disputed = new InvoiceDisputed("F-1", "D1", "quality", Now);
        var narrowed = new ReminderNarrowed(ReminderId, ["F-1"], "contested", F2Reminder);
        var outcome = Spec().Given(Opened, F1Joined, F2Joined, Requested(F2Reminder, F1, F2), disputed, narrowed)
            .When(s => DunningCaseDecider.Decide(new RecordDispute(CaseId, "F-1", "D1", false, "dispute-rejected", Now), s))
            .Then(new InvoiceDisputeClosed("F-1", "D1", "dispute-rejected", Now));
        Assert.Equal(F2Reminder.AddDays(Policy.MinimumDaysBetweenReminders), outcome.State!.NextReminderAt);
    }
}
