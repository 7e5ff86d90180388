using System.Collections.Immutable;
using Relance.ReminderService.DunningPlans;

namespace Relance.ReminderService.DunningCases;

/// <summary>How each event changes a case. Pure; every change ends by planning the case's next action.</summary>
public static class DunningCaseEvolution
{
    public static DunningCase? Evolve(DunningCase? state, object @event) => (state, @event) switch
    {
        (null, DunningCaseOpened opened) => new DunningCase(
            opened.CaseId, opened.CompanyId, opened.Customer, opened.Currency, CaseStatus.Open, null, [], [], [], [], null, null, null, null, false, null, null, null),
        (null, _) => null,
        (_, CasePlanAdopted adopted) => Planned(state with
        {
            Plan = adopted.Plan,
            OpenInvoices = state.Plan is null ? state.OpenInvoices : [.. state.OpenInvoices.Select(i => i with { Level = Remap(i.Level, state.Plan, adopted.Plan) })],
            AwaitingApproval = null,
            LadderStopped = false,
        }),
        (_, InvoiceJoinedCase joined) => Planned(state with
        {
            OpenInvoices = state.OpenInvoices.Add(new CaseInvoice(
                joined.InvoiceNumber, joined.IssueDate, joined.DueDate, joined.Outstanding, joined.StartLevel, null,
                [.. joined.CourtesySkipped], joined.NotBefore, joined.LeftToPerson)
            {
                LatePenaltyRatePercent = joined.LatePenaltyRatePercent,
                PaymentTermsBreach = joined.PaymentTermsBreach,
            }),
            KnownInvoices = state.KnownInvoices.Add(joined.InvoiceNumber),
        }),
        (_, InvoiceBalanceChanged changed) => Planned(WithInvoice(state, changed.InvoiceNumber,
            i => i with { Outstanding = changed.Outstanding, DueDate = changed.DueDate })),
        (_, InvoiceLeftCase left) => Planned(state with { OpenInvoices = state.OpenInvoices.RemoveAll(i => i.InvoiceNumber == left.InvoiceNumber) }),
        (_, ReminderRequested requested) => Planned(Stepped(state, requested.Step, requested.Invoices, requested.RequestedAt) with
        {
            Requested = state.Requested.Add(new RequestedAction(requested.ReminderId, requested.ActionId, requested.Step, requested.Channel, requested.RequestedAt, requested.Invoices)),
            ActionsNotBefore = requested.NextNotBefore,
            AwaitingApproval = Settled(state.AwaitingApproval, requested.ActionId),
            Blocked = null,
        }),
        (_, StepSkipped skipped) => Planned(Stepped(state, skipped.Step, skipped.Invoices, skipped.SkippedAt) with
        {
            AwaitingApproval = Settled(state.AwaitingApproval, skipped.ActionId),
        }),
        (_, StepBlocked blocked) => Planned(state with { Blocked = blocked, AwaitingApproval = Settled(state.AwaitingApproval, blocked.ActionId) }),
        (_, ActionAwaitingApproval awaiting) => Planned(state with
        {
            AwaitingApproval = new PendingApproval(awaiting.ActionId, state.Plan!.Steps.FindIndex(s => s.Id == awaiting.Step), awaiting.Step, awaiting.Reason, awaiting.At)
            {
                Invoices = [.. awaiting.Invoices.Select(i => i.InvoiceNumber)],
            },
        }),
        (_, ActionApproved approved) when state.AwaitingApproval?.ActionId == approved.ActionId => Planned(state with
        {
            AwaitingApproval = state.AwaitingApproval with { Approved = true, ApprovedAt = approved.ApprovedAt },
        }),
        (_, ActionRefused refused) when state.AwaitingApproval?.ActionId == refused.ActionId => Planned(state with
        {
            AwaitingApproval = null,
            LadderStopped = true,
        }),
        (_, CaseHandedToLitigation handedOver) => Stepped(state, handedOver.Step, handedOver.Invoices, handedOver.HandedOverAt) with
        {
            Status = CaseStatus.Litigation,
            AwaitingApproval = null,
            Blocked = null,
            NextActionAt = null,
            NextAction = null,
        },
        (_, ReminderWithdrawn withdrawn) => Planned(TakenBack(state, withdrawn.ReminderId, withdrawn.LeftOut)),
        (_, ReminderNarrowed narrowed) => Planned(TakenBack(state, narrowed.ReminderId, narrowed.LeftOut)),
        (_, ReminderSent sent) => state with { SentReminders = state.SentReminders.Add(sent.ReminderId) },
        // A customer completed by the ERP may now be reachable: a blocked step is tried again.
        (_, CaseContactChanged contact) => Planned(state with { Customer = contact.Customer, Blocked = null }),
        (_, CaseHoldSet hold) => Planned(state with { Hold = hold }),
        (_, CaseHoldLifted lifted) => Planned(state with { Hold = null, PauseEndedAt = lifted.LiftedAt }),
        (_, InvoiceDisputed disputed) => Planned(WithInvoice(state, disputed.InvoiceNumber, i => i with { OpenDisputes = i.OpenDisputes.Add(disputed.DisputeId) })),
        (_, InvoiceDisputeClosed closed) => Planned(WithInvoice(state, closed.InvoiceNumber, i => i with { OpenDisputes = i.OpenDisputes.Remove(closed.DisputeId) })),
        (_, DunningCaseClosed) => state with { Status = CaseStatus.Closed, NextActionAt = null, NextAction = null, AwaitingApproval = null },
        (_, DunningCaseReopened) => Planned(state with { Status = CaseStatus.Open, LadderStopped = false }),
        _ => state,
    };

    // The pending approval ends with the action it was asked for (sent, skipped, blocked), not with another one.
    static PendingApproval? Settled(PendingApproval? pending, Guid actionId) => pending?.ActionId == actionId ? null : pending;

    static DunningCase WithInvoice(DunningCase state, string number, Func<CaseInvoice, CaseInvoice> change) =>
        state with { OpenInvoices = [.. state.OpenInvoices.Select(i => i.InvoiceNumber == number ? change(i) : i)] };

    // A courtesy step is done for the invoices it listed; a ladder step brings them to its level.
    static DunningCase Stepped(DunningCase state, string step, ImmutableList<RemindedInvoice> invoices, DateTimeOffset at)
    {
        var index = state.Plan!.Steps.FindIndex(s => s.Id == step);
        var courtesy = index >= 0 && state.Plan.Steps[index].BeforeDue;
        return state with
        {
            OpenInvoices = [.. state.OpenInvoices.Select(i => !invoices.Exists(r => r.InvoiceNumber == i.InvoiceNumber) ? i
                : courtesy ? i with { CourtesyDone = i.CourtesyDone.Add(step) }
                : i with { Level = Math.Max(i.Level, index), LastStepAt = at })],
        };
    }

    // Invoices a reminder left out when it left (contested meanwhile) go back to where they were before it.
    static DunningCase TakenBack(DunningCase state, Guid reminderId, ImmutableList<string> leftOut)
    {
        var requested = state.Requested.Find(r => r.ReminderId == reminderId);
        if (requested is null || leftOut.IsEmpty) return state;
        var index = state.Plan!.Steps.FindIndex(s => s.Id == requested.Step);
        var courtesy = index >= 0 && state.Plan.Steps[index].BeforeDue;
        return WithEach(state, leftOut, i => courtesy
            ? i with { CourtesyDone = i.CourtesyDone.Remove(requested.Step) }
            : i.Level == index && requested.Invoices.Find(r => r.InvoiceNumber == i.InvoiceNumber) is { } before ? i with { Level = before.LevelBefore } : i);
    }

    static DunningCase WithEach(DunningCase state, ImmutableList<string> numbers, Func<CaseInvoice, CaseInvoice> change) =>
        state with { OpenInvoices = [.. state.OpenInvoices.Select(i => numbers.Contains(i.InvoiceNumber) ? change(i) : i)] };

    /// <summary>
    /// An invoice's level under a new plan: the step it reached if the new plan has it, else the nearest
    /// earlier step of the old ladder that the new plan has; none when there is none.
    /// </summary>
    public static int Remap(int level, DunningPlan from, DunningPlan to)
    {
        for (var i = Math.Min(level, from.Steps.Count - 1); i >= 0; i--)
        {
            if (from.Steps[i].BeforeDue) continue;
            var same = to.Steps.FindIndex(s => s.Id == from.Steps[i].Id && !s.BeforeDue);
            if (same >= 0) return same;
        }
        return -1;
    }

    static DunningCase Planned(DunningCase state)
    {
        var next = DunningSchedule.Next(state);
        return state with { NextActionAt = next?.At, NextAction = next?.Description };
    }
}
