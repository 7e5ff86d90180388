using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.Withdrawing;

namespace Relance.Reminder.Tests;

/// <summary>
/// A reminder handed to the Correspondence service whose invoices stopped being owed or chased before it left: recalled
/// once, and withdrawn on the case (the step not taken) when the Correspondence service answers it never left.
/// Two invoices falling due 30 June; the first courtesy reminder (email) requested 20 June, the first call 1 July.
/// </summary>
[Trait("Category", "Unit")]
public class ReminderRecallTests
{
    static readonly DateOnly Due = new(2026, 6, 30);

    static DateTimeOffset At(int month, int day, int hour = 9) => new(2026, month, day, hour, 0, 0, TimeSpan.FromHours(2));

    static CaseSimulation FirstCourtesyHandedOver() =>
        new CaseSimulation(At(5, 31, 10)).Invoice("F-1", Due, 1200m, issued: new(2026, 5, 31)).Invoice("F-2", Due, 800m, issued: new(2026, 5, 31)).RunUntil(At(6, 20, 10));

    static ReminderRequested First(CaseSimulation run) => run.Events.OfType<ReminderRequested>().Single(r => r.Step == "courtesy-reminder-1");

    [Fact]
    public void Nothing_is_recalled_while_one_invoice_of_the_reminder_is_still_owed()
    {
        var run = FirstCourtesyHandedOver();
        Assert.Equal(["F-1", "F-2"], First(run).Invoices.Select(i => i.InvoiceNumber));
        Assert.Empty(ReminderRecall.Recall(run.State, run.Now));
        run.Paid("F-1", 0);
        Assert.Empty(ReminderRecall.Recall(run.State, run.Now));
    }

    [Fact]
    public void A_reminder_all_of_whose_invoices_were_paid_is_recalled_once_and_withdrawn_once_on_the_answer()
    {
        var run = FirstCourtesyHandedOver().Paid("F-1", 0).Paid("F-2", 0);
        Assert.Equal(CaseStatus.Closed, run.State!.Status);

        var recalled = Assert.Single(ReminderRecall.Recall(run.State, run.Now));
        Assert.Equal(First(run).ReminderId, recalled.ReminderId);
        Assert.Equal("every invoice it listed (F-1, F-2) was " + ReminderRecall.Why, recalled.Reason);
        run.Do(_ => [recalled]);
        Assert.Empty(ReminderRecall.Recall(run.State, run.Now));

        var withdrawn = Assert.IsType<ReminderWithdrawn>(Assert.Single(run.Do(s => ReminderRecall.RecordWithdrawn(recalled.ReminderId, "withdrawn before it left", run.Now, s)).Decided));
        Assert.Equal(["F-1", "F-2"], withdrawn.LeftOut);
        Assert.Contains(recalled.ReminderId, run.State!.WithdrawnReminders);
        Assert.Empty(run.Do(s => ReminderRecall.RecordWithdrawn(recalled.ReminderId, "withdrawn before it left", run.Now, s)).Decided);
    }

    [Fact]
    public void A_reminder_already_sent_or_reported_not_delivered_or_unknown_to_the_case_is_neither_recalled_nor_withdrawn()
    {
        var sent = FirstCourtesyHandedOver();
        var first = First(sent);
        sent.Do(s => DunningCaseDecider.Decide(new ReminderService.DunningCases.RecordingReminderSent.RecordReminderSent(s.Id, first.ReminderId, "email", "compta@dupont.example", sent.Now, "abc"), s))
            .Paid("F-1", 0).Paid("F-2", 0);
        Assert.Empty(ReminderRecall.Recall(sent.State, sent.Now));
        Assert.Empty(ReminderRecall.RecordWithdrawn(first.ReminderId, "withdrawn", sent.Now, sent.State));
        Assert.Empty(ReminderRecall.RecordWithdrawn(Guid.NewGuid(), "withdrawn", sent.Now, FirstCourtesyHandedOver().State));

        var bounced = FirstCourtesyHandedOver();
        bounced.Do(s => DunningCaseDecider.Decide(new ReminderService.DunningCases.RecordingNotDelivered.RecordReminderNotDelivered(
            s.Id, First(bounced).ReminderId, "compta@dupont.example", "bounced", "5.1.1", bounced.Now, bounced.Now), s)).Paid("F-1", 0).Paid("F-2", 0);
        Assert.Empty(ReminderRecall.Recall(bounced.State, bounced.Now));
        Assert.Empty(ReminderRecall.Recall(null, bounced.Now));
    }

    [Fact]
    public void A_contested_reminder_withdrawn_takes_its_invoice_back_to_the_step_before_so_the_step_is_taken_again_after_the_dispute()
    {
        var run = new CaseSimulation(At(5, 31, 10)).Invoice("F-1", Due, 1200m, issued: new(2026, 5, 31)).RunUntil(At(6, 20, 10));
        var first = First(run);
        Assert.Contains("courtesy-reminder-1", run.State!.OpenInvoices.Single().CourtesyDone);

        run.Disputed("F-1", opened: true);
        var recalled = Assert.Single(ReminderRecall.Recall(run.State, run.Now));
        run.Do(_ => [recalled]).Do(s => ReminderRecall.RecordWithdrawn(first.ReminderId, "withdrawn before it left", run.Now, s));
        Assert.DoesNotContain("courtesy-reminder-1", run.State!.OpenInvoices.Single().CourtesyDone);
    }

    [Fact]
    public void A_phone_step_is_never_recalled()
    {
        var run = new CaseSimulation(At(5, 31, 10)).Invoice("F-1", Due, 1200m, issued: new(2026, 5, 31)).RunUntil(At(7, 2));
        var sentSoFar = run.Events.OfType<ReminderRequested>().Where(r => r.Channel != "phone").ToList();
        Assert.Contains(run.Events.OfType<ReminderRequested>(), r => r.Channel == "phone");
        foreach (var r in sentSoFar)
            run.Do(s => DunningCaseDecider.Decide(new ReminderService.DunningCases.RecordingReminderSent.RecordReminderSent(s.Id, r.ReminderId, r.Channel, "x", run.Now, "abc"), s));
        run.Paid("F-1", 0);
        Assert.Empty(ReminderRecall.Recall(run.State, run.Now));
    }
}
