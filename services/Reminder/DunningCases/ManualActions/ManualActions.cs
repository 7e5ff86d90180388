using System.Collections.Immutable;
using Relance.ReminderService.DunningCases.Promising;
using Relance.ReminderService.DunningPlans;
using Relance.ReminderService.LatePayment;

namespace Relance.ReminderService.DunningCases;

/// <summary>A person taking a step by hand; one who may approve takes a step needing approval as approved.</summary>
public sealed record ManualStep(string By, bool MayApprove);


public static partial class DunningCaseDecider
{
    public static IReadOnlyList<object> Decide(ManualActions.SendStepNow command, DunningCase state, LatePaymentLaw law)
    {
        var plan = Arrangements.OpenWithPlan(state);
        var index = LadderStep(state, plan, command.Step);
        var step = plan.Steps[index];
        if (step.RequiresApproval && !command.MayApprove)
            throw CaseCommandRefused.Forbidden("step", $"{step.Id} needs approval: only a manager may take it by hand");
        if (state.HeldUntil is { } heldUntil && heldUntil > command.Now)
            throw CaseCommandRefused.State("step", $"the case is on hold until {heldUntil:O}: lift the hold first");
        if (!plan.Clock.WithinSendWindow(command.Now))
            throw CaseCommandRefused.State("step", $"outside the sending hours ({plan.Clock.SendWindowStart:HH:mm}–{plan.Clock.SendWindowEnd:HH:mm} {plan.Clock.TimeZone}): it can be taken from {plan.Clock.InSendWindow(command.Now):O}");
        // Asked for while it awaits approval: the pending approval is settled by this action.
        var actionId = state.AwaitingApproval is { } pending && pending.StepIndex == index ? pending.ActionId : command.ActionId;
        var events = Ladder(state, plan,
            new ScheduledAction(command.Now, index, Courtesy: false, $"{step.Id} (step {index + 1} of plan {plan.Id} v{plan.Version}) taken now by {command.By}: {command.Reason}"),
            actionId, command.Now, law, new ManualStep(command.By, command.MayApprove));
        return events.Count > 0 ? events
            : throw CaseCommandRefused.State("step", "no invoice of the case is overdue and chased (paid, contested, held, under a promise or payment plan)");
    }

    public static IReadOnlyList<object> Decide(ManualActions.SkipStep command, DunningCase state)
    {
        var plan = Arrangements.OpenWithPlan(state);
        var index = LadderStep(state, plan, command.Step);
        var step = plan.Steps[index];
        // Passing over a step that needs approval is deciding it: a manager's call. The hand-over is never passed over (write the case off instead).
        if (step.RequiresApproval && !command.MayApprove)
            throw CaseCommandRefused.Forbidden("step", $"{step.Id} needs approval: only a manager may pass over it");
        if (step.Channels.Contains("litigation"))
            throw CaseCommandRefused.State("step", $"{step.Id} hands the case over to litigation: approve or refuse it, or write the case off");
        var today = plan.Clock.DayOf(command.Now);
        var below = state.OpenInvoices.Where(i => i.Chased && i.Level < index && i.DueDate < today).ToList();
        if (below.Count == 0)
            throw CaseCommandRefused.State("step", $"no overdue invoice chased on the case is below {step.Id}");
        var actionId = state.AwaitingApproval is { } pending && pending.StepIndex == index ? pending.ActionId : command.ActionId;
        return [new StepSkipped(actionId, step.Id, index + 1, Listed(below), $"skipped by {command.By}: {command.Reason}", command.Now) { By = command.By }];
    }

    public static IReadOnlyList<object> Decide(ManualActions.LowerLevel command, DunningCase state)
    {
        var plan = Arrangements.OpenWithPlan(state);
        var chased = state.OpenInvoices.Where(i => i.Chased).ToList();
        var current = chased.Count == 0 ? -1 : chased.Max(i => i.Level);
        if (current < 0) throw CaseCommandRefused.State("toStep", "the case has not gone up the ladder: there is no step to go back from");
        int to;
        if (command.ToStep is null)
            to = plan.Ladder.Where(x => x.Index < current).Select(x => x.Index).DefaultIfEmpty(-1).Max();
        else
        {
            to = plan.Steps.FindIndex(s => s.Id == command.ToStep);
            if (to < 0 || plan.Steps[to].BeforeDue)
                throw CaseCommandRefused.Input("toStep", $"not a step after the due date of plan {plan.Id}: one of {string.Join(", ", plan.Ladder.Select(x => x.Step.Id))}");
            if (to >= current) throw CaseCommandRefused.Input("toStep", $"{command.ToStep} is not below the case's level ({plan.Steps[current].Id})");
        }
        return [new CaseLevelLowered(current, to, to >= 0 ? plan.Steps[to].Id : null, command.By, command.Reason, command.Now)];
    }

    public static IReadOnlyList<object> Decide(ManualActions.TakeOver command, DunningCase state)
    {
        Arrangements.OpenWithPlan(state);
        var left = state.OpenInvoices.Where(i => i.LeftToPerson).Select(i => i.InvoiceNumber).ToList();
        if (left.Count == 0) throw CaseCommandRefused.State("invoices", "no invoice of the case is left to a person");
        var taken = command.Invoices is { Count: > 0 } named ? named : [.. left];
        for (var n = 0; n < taken.Count; n++)
            if (!left.Contains(taken[n]))
                throw CaseCommandRefused.Input($"invoices[{n}]", $"{taken[n]} is not an invoice of this case left to a person");
        return [new InvoicesTakenOver([.. taken.Distinct()], command.By, command.Reason, command.Now)];
    }

    public static IReadOnlyList<object> Decide(ManualActions.AddNote command, DunningCase state) =>
        [new CaseNoteAdded(command.NoteId, command.Text, command.By, command.Now)];

    public static IReadOnlyList<object> Decide(ManualActions.WriteOff command, DunningCase state)
    {
        if (state.Status == CaseStatus.Closed || state.OpenInvoices.IsEmpty)
            throw CaseCommandRefused.State("case", "the case is closed: nothing is owed on it");
        var listed = Listed(state.OpenInvoices);
        var why = $"written off by {command.By}: {command.Reason}";
        return [
            new CaseWrittenOff(listed, state.OpenInvoices.Sum(i => i.Outstanding), command.By, command.Reason, command.Now),
            .. state.OpenInvoices.Select(i => new InvoiceLeftCase(i.InvoiceNumber, why, command.Now)),
            new DunningCaseClosed(why, command.Now),
        ];
    }

    // The ladder step named, or the case's next one.
    static int LadderStep(DunningCase state, DunningPlan plan, string? name)
    {
        if (name is not null)
        {
            var index = plan.Steps.FindIndex(s => s.Id == name);
            return index >= 0 && !plan.Steps[index].BeforeDue ? index
                : throw CaseCommandRefused.Input("step", $"not a step after the due date of plan {plan.Id}: one of {string.Join(", ", plan.Ladder.Select(x => x.Step.Id))}");
        }
        var chased = state.OpenInvoices.Where(i => i.Chased).ToList();
        var level = chased.Count == 0 ? -1 : DunningSchedule.Driver(plan, chased).Level;
        var next = plan.Ladder.FirstOrDefault(x => x.Index > level);
        return next.Step is not null ? next.Index : throw CaseCommandRefused.State("step", "the case is at the top of its ladder: there is no next step");
    }
}
