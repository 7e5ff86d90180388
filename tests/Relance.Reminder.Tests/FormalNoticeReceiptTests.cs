using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.TrackingLetters;

namespace Relance.Reminder.Tests;

/// <summary>
/// The formal notice's deadline runs from its receipt: the hand-over to litigation (standard plan: 10 days after
/// the notice, 8 days granted) waits for the day after the deadline counted from the acknowledgment of receipt,
/// or the first presentation of a letter returned unclaimed; with no proof, from the posting plus 21 days.
/// </summary>
[Trait("Category", "Unit")]
public class FormalNoticeReceiptTests
{
    static readonly DateTimeOffset Issued = new(2026, 5, 31, 10, 0, 0, TimeSpan.FromHours(2));
    static readonly DateTimeOffset Recorded = new(2026, 8, 13, 10, 0, 0, TimeSpan.Zero);

    // The formal notice left on 2026-08-12 by registered letter.
    static CaseSimulation NoticeSent()
    {
        var run = new CaseSimulation(Issued).Invoice("F-1", new(2026, 6, 30), 1200m, issued: new(2026, 5, 31)).RunUntilApprovalAwaited(90).Approve().RunDays(1);
        Assert.Contains("2026-08-12 formal-notice registered-letter [F-1]", run.Actions);
        return run;
    }

    static Guid Notice(CaseSimulation run) => run.State!.Letters.Single(l => l.Step == "formal-notice").ReminderId;

    static CaseSimulation Tracked(CaseSimulation run, Func<Guid, object> tracked) =>
        run.Do(s => DunningCaseDecider.Decide(new RecordLetterTracking(s.Id, Notice(run), tracked(Notice(run))), s));

    static string Litigation(CaseSimulation run) => run.RunUntilApprovalAwaited(60).Actions.Last();

    [Fact]
    public void Acknowledged_two_days_after_the_posting_the_hand_over_waits_for_the_day_after_the_eight_days_from_the_signature()
    {
        var run = Tracked(NoticeSent(), id => new LetterPosted(id, "1A00000001", new(2026, 8, 12), Recorded));
        Tracked(run, id => new LetterReceiptAcknowledged(id, new(2026, 8, 14), null, Recorded));
        // The plan alone would have made it due on 2026-08-22.
        Assert.Equal("2026-08-23 litigation awaits approval", Litigation(run));
        var awaiting = run.Events.OfType<ActionAwaitingApproval>().Last();
        Assert.Contains("the day after the 8 days granted by the formal-notice from its receipt (acknowledgment of receipt signed 2026-08-14)", awaiting.Reason);
    }

    [Fact]
    public void Acknowledged_early_the_plan_s_own_delay_still_holds()
    {
        var run = Tracked(NoticeSent(), id => new LetterReceiptAcknowledged(id, new(2026, 8, 12), null, Recorded));
        Assert.Equal("2026-08-22 litigation awaits approval", Litigation(run));
    }

    [Fact]
    public void A_letter_returned_unclaimed_counts_as_received_on_its_first_presentation()
    {
        var run = NoticeSent().RunDays(17);
        Assert.Null(run.State!.AwaitingApproval);
        Tracked(run, id => new LetterReturned(id, "unclaimed", new(2026, 8, 14), new(2026, 8, 30), Recorded));
        // The deadline ended on 2026-08-22: the hand-over is due as soon as the return is known.
        Assert.Equal("2026-08-30 litigation awaits approval", Litigation(run));
        Assert.Contains("returned unclaimed, first presented 2026-08-14", run.Events.OfType<ActionAwaitingApproval>().Last().Reason);
    }

    [Fact]
    public void With_no_proof_of_receipt_the_hand_over_waits_the_plan_s_bounded_wait_from_the_posting_and_says_so()
    {
        var run = Tracked(NoticeSent(), id => new LetterPosted(id, "1A00000001", new(2026, 8, 13), Recorded));
        Tracked(run, id => new LetterDelivered(id, new(2026, 8, 14), Recorded));
        // 2026-08-13 + 21 days = 2026-09-03, + 8 days granted, the day after: 2026-09-12.
        Assert.Equal("2026-09-12 litigation awaits approval", Litigation(run));
        Assert.Contains("no proof of receipt: counted as received 21 days after it was posted 2026-08-13",
            run.Events.OfType<ActionAwaitingApproval>().Last().Reason);
    }

    [Fact]
    public void A_letter_returned_for_an_unknown_address_is_no_proof_of_receipt()
    {
        var run = Tracked(NoticeSent(), id => new LetterReturned(id, "address-unknown", null, new(2026, 8, 16), Recorded));
        Assert.Equal("2026-09-11 litigation awaits approval", Litigation(run));
        Assert.Contains("returned address-unknown 2026-08-16; no proof of receipt", run.Events.OfType<ActionAwaitingApproval>().Last().Reason);
    }

    [Fact]
    public void Each_fact_is_recorded_once_in_any_order_and_news_of_another_letter_is_ignored()
    {
        var run = NoticeSent();
        var id = Notice(run);
        var acknowledged = new LetterReceiptAcknowledged(id, new(2026, 8, 14), null, Recorded);
        Assert.Equal([acknowledged], Tracked(run, _ => acknowledged).Decided);
        Assert.Empty(Tracked(run, _ => acknowledged with { RecordedAt = Recorded.AddHours(1) }).Decided);
        // The posting heard of after the acknowledgment is still recorded.
        Assert.Single(Tracked(run, _ => new LetterPosted(id, "1A00000001", new(2026, 8, 12), Recorded)).Decided);
        // The scanned card after the date: recorded again for its hash; the signature date stays the first one.
        Assert.Single(Tracked(run, _ => acknowledged with { CardSha256 = "c0ffee", SignedOn = new(2026, 8, 15) }).Decided);
        var letter = run.State!.Letters.Single(l => l.ReminderId == id);
        Assert.Equal((new DateOnly(2026, 8, 14), "c0ffee"), (letter.AcknowledgedOn, letter.AcknowledgmentCardSha256!));
        Assert.Empty(run.Do(s => DunningCaseDecider.Decide(new RecordLetterTracking(s.Id, Guid.NewGuid(), new LetterDelivered(Guid.NewGuid(), new(2026, 8, 14), Recorded)), s)).Decided);
    }
}
