using System.Collections.Immutable;

namespace Relance.ReminderService.DunningCases;

/// <summary>What happens when something agreed with the customer ends: holds expire, promises and instalments fall due.</summary>
public static partial class DunningCaseDecider
{
    /// <summary>Everything that has ended by <paramref name="now"/>: a hold expired, a promise kept or broken, an instalment paid or missed.</summary>
    static List<object> Reviewed(DunningCase state, DateTimeOffset now)
    {
        var events = new List<object>();
        if (state.Hold is { } hold && hold.ResumesAt <= now)
            events.Add(new CaseHoldLifted(now) { Reason = $"expired: on hold until {hold.Until:yyyy-MM-dd} ({hold.Reason})", By = "system", Of = "erp" });
        if (state.PersonHold is { } personHold && personHold.ResumesAt <= now)
            events.Add(new CaseHoldLifted(now) { Reason = $"expired: on hold until {personHold.Until:yyyy-MM-dd} ({personHold.Reason}, set by {personHold.By})", By = "system", Of = "person" });
        foreach (var invoice in state.OpenInvoices)
        {
            if (invoice.Hold is { } held && held.ResumesAt <= now)
                events.Add(new InvoiceHoldLifted(invoice.InvoiceNumber, $"expired: held until {held.Until:yyyy-MM-dd} ({held.Reason})", "system", now));
            if (invoice.AwaitingCorrectionUntil is { } until && until <= now)
                events.Add(new InvoiceCorrectionNotReceived(invoice.InvoiceNumber, invoice.AwaitingCorrectionFor ?? "",
                    $"no credit note or correction received from the ERP by {until:yyyy-MM-dd}: chased again as it stands", now));
        }
        if (state.Promise is { } promise && promise.DeadlineAt <= now)
        {
            var paid = Paid(state, promise.Invoices);
            events.Add(paid >= promise.Amount
                ? new PaymentPromiseKept(promise.PromiseId, paid, now)
                : new PaymentPromiseBroken(promise.PromiseId, promise.Amount, paid,
                    $"{paid:0.00} of the {promise.Amount:0.00} promised for {promise.PromisedFor:yyyy-MM-dd} received by the end of the grace period: the chase resumes at the next step", now));
        }
        if (state.PaymentPlan is { } plan)
        {
            var paid = Paid(state, plan.Invoices);
            foreach (var instalment in plan.Instalments.Where(i => i.Number > plan.InstalmentsPaid))
            {
                if (DunningSchedule.InstalmentDeadline(state, plan, instalment) > now) break;
                var due = DueBy(plan, instalment.Number);
                if (paid >= due)
                {
                    events.Add(new InstalmentPaid(plan.PaymentPlanId, instalment.Number, paid, now));
                    continue;
                }
                events.Add(new PaymentPlanBroken(plan.PaymentPlanId, instalment.Number, due, paid,
                    $"instalment {instalment.Number} due {instalment.DueDate:yyyy-MM-dd} missed: {paid:0.00} paid of the {due:0.00} due by then; the chase resumes at the next step", now));
                break;
            }
        }
        return events;
    }

    /// <summary>After a payment or a credit note: the promise kept, the instalments now covered, the payment plan completed.</summary>
    static IEnumerable<object> ArrangementsHonoured(DunningCase state, DateTimeOffset now)
    {
        if (state.Promise is { } promise && Paid(state, promise.Invoices) is var paid && paid >= promise.Amount)
            yield return new PaymentPromiseKept(promise.PromiseId, paid, now);
        if (state.PaymentPlan is { } plan)
        {
            var paidToDate = Paid(state, plan.Invoices);
            var covered = plan.Instalments.Where(i => i.Number > plan.InstalmentsPaid && DueBy(plan, i.Number) <= paidToDate).ToList();
            foreach (var instalment in covered)
                yield return new InstalmentPaid(plan.PaymentPlanId, instalment.Number, paidToDate, now);
            if (plan.Instalments.Count > 0 && DueBy(plan, plan.Instalments[^1].Number) <= paidToDate)
                yield return new PaymentPlanCompleted(plan.PaymentPlanId, paidToDate, now);
        }
    }

    /// <summary>What was paid (or credited) on these invoices since they were arranged: an invoice no longer open owes nothing.</summary>
    public static decimal Paid(DunningCase state, ImmutableList<ArrangedInvoice> invoices) =>
        // Each invoice counts for what it went down by, never less than nothing: one corrected upwards takes nothing from another's payment.
        invoices.Sum(a => Math.Max(0, a.OutstandingWhenAgreed - (state.OpenInvoices.Find(i => i.InvoiceNumber == a.InvoiceNumber)?.Outstanding ?? 0)));

    static decimal DueBy(ActivePaymentPlan plan, int number) => plan.Instalments.Where(i => i.Number <= number).Sum(i => i.Amount);
}
