using Relance.ReminderService.DunningPlans;

namespace Relance.ReminderService.DunningCases;

/// <param name="StepIndex">The plan step due.</param>
/// <param name="Courtesy">A courtesy step, for the invoices not yet due; else the case's next ladder step.</param>
/// <param name="Description">What and why, in words, for the case's view and the preview.</param>
public sealed record ScheduledAction(DateTimeOffset At, int StepIndex, bool Courtesy, string Description)
{
    /// <summary>Not a step: a hold ending, a promise or an instalment falling due, a correction awaited: the case is looked at again.</summary>
    public bool Review { get; init; }
}

/// <summary>
/// When a case's next action falls due, from its plan and its invoices alone (pure): the earliest of the
/// courtesy reminders still owed to invoices not yet due, and the next step of the ladder for the invoice
/// that sets the case's level; never before the plan's minimum gap after the last action or the end of a hold.
/// </summary>
public static class DunningSchedule
{
    public static ScheduledAction? Next(DunningCase state)
    {
        if (state.Status != CaseStatus.Open || state.Plan is not { } plan) return null;
        var candidates = Reviews(state).ToList();
        var chased = state.OpenInvoices.Where(i => i.Chased).ToList();
        if (chased.Count == 0) return candidates.OrderBy(c => c.At).FirstOrDefault();

        // A blocked step, courtesy or not, waits for the ERP to complete the customer: tried again every hour it would only be blocked again.
        foreach (var invoice in state.Blocked is null ? chased : [])
        {
            // Only its first courtesy step still owed: the next one follows it.
            var owed = plan.Courtesy.FirstOrDefault(x => !invoice.CourtesyDone.Contains(x.Step.Id));
            if (owed.Step is not { } step) continue;
            var at = Latest(plan.Clock.At(invoice.DueDate.AddDays(step.When.Days)), invoice.NotBefore);
            candidates.Add(new ScheduledAction(Bounded(state, at), owed.Index, Courtesy: true,
                $"{step.Id} (step {owed.Index + 1} of plan {plan.Id} v{plan.Version}): {-step.When.Days} days before the due date {invoice.DueDate:yyyy-MM-dd} of {invoice.InvoiceNumber}"));
        }
        if (OnLadder(state, plan, chased) is { } ladder) candidates.Add(ladder);
        // On a tie the ladder goes first: chasing what is overdue matters more than a courtesy reminder.
        // Reviews first: a hold ending or a promise broken changes what the step would be.
        return candidates.OrderBy(c => c.At).ThenByDescending(c => c.Review).ThenBy(c => c.Courtesy).FirstOrDefault();
    }

    /// <summary>When something agreed with the customer ends and the case must be looked at again; never delayed by the gap between actions.</summary>
    public static IEnumerable<ScheduledAction> Reviews(DunningCase state)
    {
        if (state.Hold is { } hold)
            yield return Review(hold.ResumesAt, $"the ERP's hold ({hold.Reason}) ends");
        if (state.PersonHold is { } personHold)
            yield return Review(personHold.ResumesAt, $"the hold set by {personHold.By} ({personHold.Reason}) ends");
        foreach (var invoice in state.OpenInvoices)
        {
            if (invoice.Hold is { } held)
                yield return Review(held.ResumesAt, $"the hold on {invoice.InvoiceNumber} ({held.Reason}) ends");
            if (invoice.AwaitingCorrectionUntil is { } until)
                yield return Review(until, $"the credit note or correction of {invoice.InvoiceNumber} is still awaited from the ERP");
        }
        if (state.Promise is { } promise)
            yield return Review(promise.DeadlineAt, $"the promise to pay {promise.Amount:0.00} by {promise.PromisedFor:yyyy-MM-dd} falls due (grace period included)");
        if (state.PaymentPlan is { } paymentPlan && paymentPlan.Instalments.FirstOrDefault(i => i.Number > paymentPlan.InstalmentsPaid) is { } instalment)
            yield return Review(InstalmentDeadline(state, paymentPlan, instalment),
                $"instalment {instalment.Number} of {instalment.Amount:0.00} due {instalment.DueDate:yyyy-MM-dd} falls due (grace period included)");
    }

    public static DateTimeOffset InstalmentDeadline(DunningCase state, ActivePaymentPlan plan, Instalment instalment) =>
        (state.Plan?.Clock ?? new PlanClock()).At(instalment.DueDate.AddDays(plan.GraceDays + 1));

    static ScheduledAction Review(DateTimeOffset at, string what) => new(at, -1, Courtesy: false, $"review: {what}") { Review = true };

    /// <summary>The invoice whose progress sets the case's level, per the plan's rule.</summary>
    public static CaseInvoice Driver(DunningPlan plan, IEnumerable<CaseInvoice> chased) => plan.LevelFollows == LevelRule.OldestInvoice
        ? chased.OrderByDescending(i => i.Level).ThenBy(i => i.DueDate).ThenBy(i => i.InvoiceNumber, StringComparer.Ordinal).First()
        : chased.OrderBy(i => i.Level).ThenBy(i => i.DueDate).ThenBy(i => i.InvoiceNumber, StringComparer.Ordinal).First();

    static ScheduledAction? OnLadder(DunningCase state, DunningPlan plan, List<CaseInvoice> chased)
    {
        if (state.LadderStopped || state.Blocked is not null) return null;
        if (state.AwaitingApproval is { } pending)
            return pending is { Approved: true, ApprovedAt: { } approvedAt }
                ? new ScheduledAction(Bounded(state, approvedAt), pending.StepIndex, Courtesy: false, pending.Reason)
                : null;

        // Invoices at the top of the ladder (handed over, or skipped through) set no level any more: a newer
        // invoice still owed goes on with its own.
        var lastStep = plan.Ladder.Select(x => x.Index).DefaultIfEmpty(-1).Max();
        var climbing = chased.Where(i => i.Level < lastStep).ToList();
        if (climbing.Count == 0) return null;
        var driver = Driver(plan, climbing);
        var next = plan.Ladder.FirstOrDefault(x => x.Index > driver.Level);
        if (next.Step is not { } step) return null;
        var (at, rule) = TimeOf(state, plan, step, next.Index, driver);
        if (AfterNotice(state, plan, driver) is { } notice && notice.At > at) (at, rule) = notice;
        // A ladder step lists the invoices overdue by then: never before the day after the earliest due date.
        var firstOverdue = plan.Clock.At(climbing.Min(i => i.DueDate).AddDays(1));
        return new ScheduledAction(Bounded(state, Latest(Latest(at, driver.NotBefore), firstOverdue)), next.Index, Courtesy: false,
            $"{step.Id} (step {next.Index + 1} of plan {plan.Id} v{plan.Version}): {rule}, for {driver.InvoiceNumber} due {driver.DueDate:yyyy-MM-dd}");
    }

    static (DateTimeOffset At, string Rule) TimeOf(DunningCase state, DunningPlan plan, PlanStep step, int index, CaseInvoice driver)
    {
        var clock = plan.Clock;
        if (step.When.From == StepAnchor.PauseEnd
            && (state.HeldUntil ?? state.PauseEndedAt) is { } pauseEnd
            && (driver.LastStepAt is null || pauseEnd > driver.LastStepAt))
            return (clock.At(clock.DayOf(pauseEnd).AddDays(step.When.Days)), $"{step.When.Days} days after the pause ended {pauseEnd:yyyy-MM-dd}");
        if (step.When.From == StepAnchor.DueDate)
            return (clock.At(driver.DueDate.AddDays(step.When.Days)), $"{step.When.Days:+0;-0;0} days from the due date");
        if (driver.LastStepAt is { } last)
            return (clock.At(clock.DayOf(last).AddDays(step.When.Days)), $"{step.When.Days} days after the previous step ({clock.DayOf(last):yyyy-MM-dd})");
        var nominal = plan.NominalDay(index);
        return (clock.At(driver.DueDate.AddDays(nominal)), $"{nominal:+0;-0;0} days from the due date, the plan's steps before it counted as on time");
    }

    /// <summary>
    /// The step after a registered letter that granted a deadline (the formal notice) is not due before the day
    /// after the deadline, counted from the letter's receipt; until a proof of receipt arrives, it counts from the
    /// posting plus the plan's <see cref="DunningPlan.ProofOfReceiptWaitDays"/>.
    /// </summary>
    static (DateTimeOffset At, string Rule)? AfterNotice(DunningCase state, DunningPlan plan, CaseInvoice driver)
    {
        if (driver.Level < 0 || driver.Level >= plan.Steps.Count) return null;
        var noticeStep = plan.Steps[driver.Level].Id;
        if (state.Letters.LastOrDefault(l => l.Step == noticeStep && l.Channel == "registered-letter") is not { PaymentDeadlineDays: { } days } letter)
            return null;
        var (receivedOn, how) = letter.Receipt ?? Unproven(plan, letter);
        return (plan.Clock.At(receivedOn.AddDays(days + 1)),
            $"the day after the {days} days granted by the {noticeStep} from its receipt ({how})");
    }

    static (DateOnly On, string How) Unproven(DunningPlan plan, CaseLetter letter)
    {
        var (sent, what) = letter.PostedOn is { } posted ? (posted, "posted") : (plan.Clock.DayOf(letter.RequestedAt), "sent to the post");
        var returned = letter.Returned is { } r ? $"returned {r.Reason} {r.ReturnedOn:yyyy-MM-dd}; " : "";
        return (sent.AddDays(plan.ProofOfReceiptWaitDays),
            $"{returned}no proof of receipt: counted as received {plan.ProofOfReceiptWaitDays} days after it was {what} {sent:yyyy-MM-dd}");
    }

    static DateTimeOffset Bounded(DunningCase state, DateTimeOffset at) => Latest(Latest(at, state.ActionsNotBefore), state.HeldUntil);

    static DateTimeOffset Latest(DateTimeOffset at, DateTimeOffset? other) => other is { } o && o > at ? o : at;
}
