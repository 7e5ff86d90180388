using System.Collections.Immutable;
using Relance.ReminderService.DunningPlans;
using Relance.ReminderService.DunningCases.Promising;

namespace Relance.ReminderService.DunningCases.Disputing;

/// <summary>A person records that the customer contests invoices (none listed: every invoice owed on the case), for one of <see cref="Disputes.Reasons"/>.</summary>
public sealed record OpenDispute(Guid CommandId, string DisputeId, string Category, ImmutableList<string>? Invoices, string? Comment, string By, DateTimeOffset Now);

/// <summary>A person ends a dispute with one of <see cref="Disputes.Resolutions"/>.</summary>
public sealed record ResolveDispute(Guid CommandId, string DisputeId, string Resolution, string? Comment, string By, DateTimeOffset Now);

public static class PeopleDisputeDecider
{
    public const string ResendStep = "invoice-resend";

    public static IReadOnlyList<object> Decide(OpenDispute command, DunningCase state, DunningPolicy policy)
    {
        var plan = Arrangements.OpenWithPlan(state);
        if (!Disputes.Reasons.Contains(command.Category))
            throw CaseCommandRefused.Input("reason", $"one of {string.Join(", ", Disputes.Reasons)}");
        if (state.Disputes.Exists(d => d.DisputeId == command.DisputeId))
            throw CaseCommandRefused.State("disputeId", $"dispute {command.DisputeId} is already open");
        var invoices = Arrangements.Covered(state, command.Invoices);
        var reason = string.IsNullOrWhiteSpace(command.Comment) ? command.Category : $"{command.Category}: {command.Comment}";
        var events = new List<object>();
        events.AddRange(invoices.Select(i => new InvoiceDisputed(i.InvoiceNumber, command.DisputeId, reason, command.Now) { Category = command.Category, By = command.By }));
        // Never received: the answer is to send it again and give time to pay it, not to go up the ladder.
        if (command.Category == Disputes.NotReceived)
            events.AddRange(Resent(state, plan, command.CommandId, command.DisputeId, invoices, $"the customer said it had not received {Numbers(invoices)}", command.By, command.Now, policy, closeDispute: true));
        return events;
    }

    public static IReadOnlyList<object> Decide(ResolveDispute command, DunningCase state, DunningPolicy policy)
    {
        var plan = Arrangements.OpenWithPlan(state);
        if (!Disputes.Resolutions.Contains(command.Resolution))
            throw CaseCommandRefused.Input("resolution", $"one of {string.Join(", ", Disputes.Resolutions)}");
        var dispute = state.Disputes.Find(d => d.DisputeId == command.DisputeId)
            ?? throw CaseCommandRefused.State("disputeId", $"no dispute {command.DisputeId} is open on this case");
        var today = plan.Clock.DayOf(command.Now);
        // A credit note or a corrected invoice is the ERP's to send: the invoice waits for it, for a while.
        DateTimeOffset? awaitUntil = command.Resolution is Disputes.CreditNote or Disputes.CorrectedInvoice
            ? plan.Clock.At(today.AddDays(policy.CorrectionWaitDays)) : null;
        var text = string.IsNullOrWhiteSpace(command.Comment) ? command.Resolution : $"{command.Resolution}: {command.Comment}";
        var events = new List<object>();
        var invoices = state.OpenInvoices.Where(i => dispute.Invoices.Contains(i.InvoiceNumber)).ToList();
        events.AddRange(invoices.Select(i => new InvoiceDisputeClosed(i.InvoiceNumber, dispute.DisputeId, text, command.Now)
        {
            Outcome = command.Resolution,
            By = command.By,
            AwaitCorrectionUntil = awaitUntil,
        }));
        if (command.Resolution == Disputes.ResentInvoice)
            events.AddRange(Resent(state, plan, command.CommandId, dispute.DisputeId, invoices, $"dispute {dispute.DisputeId} resolved by sending {Numbers(invoices)} again", command.By, command.Now, policy, closeDispute: false));
        return events;
    }

    /// <summary>
    /// The invoices sent again (by email, else by letter), the dispute closed as resolved by it, and each invoice held
    /// for the days given to pay it: the chase then resumes at its next step, without having climbed.
    /// </summary>
    static IEnumerable<object> Resent(DunningCase state, DunningPlan plan, Guid commandId, string disputeId, List<CaseInvoice> invoices, string why, string by, DateTimeOffset now, DunningPolicy policy, bool closeDispute)
    {
        var step = new PlanStep
        {
            Id = ResendStep,
            When = new StepTiming(StepAnchor.PreviousStep, 0),
            Channels = ["email"],
            Template = ResendStep,
            Tone = "courteous",
            Actor = "collector",
            ContactRole = "billing",
            PaymentDeadlineDays = policy.ResentInvoicePaymentDays,
        };
        var reach = DunningCaseDecider.Reach(state.Customer, plan, step, "email", DunningCaseDecider.Unreachable.Of(state));
        // Nowhere to send it: the dispute stays open (the invoice is not chased) until the ERP completes the customer and a person resolves it.
        if (!reach.Reachable) yield break;
        var today = plan.Clock.DayOf(now);
        var until = today.AddDays(policy.ResentInvoicePaymentDays);
        var actionId = DunningCaseDecider.Derive(commandId, 0);
        if (closeDispute)
            foreach (var invoice in invoices)
                yield return new InvoiceDisputeClosed(invoice.InvoiceNumber, disputeId, "resent-invoice: sent again", now) { Outcome = Disputes.ResentInvoice, By = by };
        // A longer hold already on the invoice stands.
        foreach (var invoice in invoices.Where(i => i.Hold is not { } held || held.Until < until))
            yield return new InvoiceHoldSet(invoice.InvoiceNumber, $"sent again on {today:yyyy-MM-dd} ({why}): {policy.ResentInvoicePaymentDays} days to pay it",
                until, plan.Clock.At(until.AddDays(1)), by, now);
        yield return new ReminderRequested(DunningCaseDecider.Derive(actionId, 1), actionId, ResendStep, 0, reach.Channel, reach.Recipient,
            [.. invoices.Select(i => new RemindedInvoice(i.InvoiceNumber, i.IssueDate, i.DueDate, i.Outstanding, i.Level))],
            why, now, state.ActionsNotBefore is { } gap && gap > now ? gap : now)
        {
            Tone = step.Tone,
            Template = step.TemplateName,
            Actor = step.Actor,
            PaymentDeadlineDays = step.PaymentDeadlineDays,
            RequestedBy = by,
        };
    }

    static string Numbers(List<CaseInvoice> invoices) => string.Join(", ", invoices.Select(i => i.InvoiceNumber));
}
