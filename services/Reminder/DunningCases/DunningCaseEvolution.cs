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
                PaymentClause = joined.PaymentClause,
                OriginalDueDate = joined.DueDate,
            }),
            KnownInvoices = state.KnownInvoices.Add(joined.InvoiceNumber),
        }),
        // A credit note or a correction the ERP sent is what was awaited after a dispute; a payment is not.
        (_, InvoiceBalanceChanged changed) when changed.Reason is "credit-note" or "correction" => Planned(WithInvoice(state, changed.InvoiceNumber,
            i => i with { Outstanding = changed.Outstanding, DueDate = changed.DueDate, AwaitingCorrectionUntil = null, AwaitingCorrectionFor = null })),
        (_, InvoiceBalanceChanged changed) => Planned(WithInvoice(state, changed.InvoiceNumber, i => i with { Outstanding = changed.Outstanding, DueDate = changed.DueDate })),
        (_, InvoiceLeftCase left) => Planned(state with
        {
            OpenInvoices = state.OpenInvoices.RemoveAll(i => i.InvoiceNumber == left.InvoiceNumber),
            // A call about nothing still owed is not made.
            Calls = [.. state.Calls.Select(c => c with { Invoices = c.Invoices.RemoveAll(i => i.InvoiceNumber == left.InvoiceNumber) }).Where(c => !c.Invoices.IsEmpty)],
            // Nor is a dispute about nothing still owed open any more.
            Disputes = [.. state.Disputes.Select(d => d with { Invoices = d.Invoices.Remove(left.InvoiceNumber) }).Where(d => !d.Invoices.IsEmpty)],
        }),
        (_, ReminderRequested requested) => Planned(Called(Stepped(state, requested.Step, requested.Invoices, requested.RequestedAt), requested) with
        {
            Requested = state.Requested.Add(new RequestedAction(requested.ReminderId, requested.ActionId, requested.Step, requested.Channel, requested.RequestedAt, requested.Invoices)
            {
                Recipient = requested.Recipient,
                Level = requested.Level,
            }),
            Letters = requested.Channel is "letter" or "registered-letter"
                ? state.Letters.Add(new CaseLetter(requested.ReminderId, requested.Step, requested.Channel, requested.PaymentDeadlineDays, requested.RequestedAt))
                : state.Letters,
            ActionsNotBefore = requested.NextNotBefore,
            AwaitingApproval = Settled(state.AwaitingApproval, requested.ActionId),
            // A step of the ladder taken: a blocked one is over. An invoice sent again (level 0) changes neither.
            Blocked = requested.Level > 0 ? null : state.Blocked,
            // A person taking a step of the ladder takes it out of a refusal's stop.
            LadderStopped = state.LadderStopped && (requested.RequestedBy is null || requested.Level == 0),
        }),
        (_, StepSkipped skipped) => Planned(Stepped(state, skipped.Step, skipped.Invoices, skipped.SkippedAt) with
        {
            AwaitingApproval = Settled(state.AwaitingApproval, skipped.ActionId),
            LadderStopped = state.LadderStopped && skipped.By is null,
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
            Calls = [],
            CallsDueFrom = null,
        },
        (_, ReminderWithdrawn withdrawn) => Planned(TakenBack(state, withdrawn.ReminderId, withdrawn.LeftOut) with
        {
            WithdrawnReminders = state.WithdrawnReminders.Contains(withdrawn.ReminderId) ? state.WithdrawnReminders : state.WithdrawnReminders.Add(withdrawn.ReminderId),
        }),
        (_, ReminderRecalled recalled) => state with
        {
            RecalledReminders = state.RecalledReminders.Contains(recalled.ReminderId) ? state.RecalledReminders : state.RecalledReminders.Add(recalled.ReminderId),
        },
        (_, ReminderNarrowed narrowed) => Planned(TakenBack(state, narrowed.ReminderId, narrowed.LeftOut)),
        (_, ReminderSent sent) => state with { SentReminders = state.SentReminders.Add(sent.ReminderId) },
        (_, LetterPosted posted) => Planned(WithLetter(state, posted.ReminderId, l => l with { PostedOn = posted.PostedOn })),
        (_, LetterDelivered delivered) => Planned(WithLetter(state, delivered.ReminderId, l => l with { DeliveredOn = delivered.DeliveredOn })),
        (_, LetterReceiptAcknowledged acknowledged) => Planned(WithLetter(state, acknowledged.ReminderId, l => l with
        {
            AcknowledgedOn = l.AcknowledgedOn ?? acknowledged.SignedOn,
            AcknowledgmentCardSha256 = l.AcknowledgmentCardSha256 ?? acknowledged.CardSha256,
        })),
        (_, LetterReturned returned) => Planned(WithLetter(state, returned.ReminderId, l => l with { Returned = returned })),
        (_, ReminderNotDelivered undelivered) => Planned(state with
        {
            Undelivered = state.Undelivered.Add(undelivered),
            UndeliverableEmails = Avoided(undelivered, "email") is { } email ? state.UndeliverableEmails.Add(email) : state.UndeliverableEmails,
            UndeliverableSmsNumbers = Avoided(undelivered, "sms") is { } number ? state.UndeliverableSmsNumbers.Add(number) : state.UndeliverableSmsNumbers,
            UndeliverablePostalAddresses = (Avoided(undelivered, "letter") ?? Avoided(undelivered, "registered-letter")) is { } address
                ? state.UndeliverablePostalAddresses.Add(address) : state.UndeliverablePostalAddresses,
        }),
        // A customer completed by the ERP may now be reachable: a blocked step is tried again.
        (_, CaseContactChanged contact) => Planned(state with
        {
            Customer = contact.Customer,
            Blocked = null,
            Calls = [.. state.Calls.Select(c => c.Queue == "account-manager" && c.Assignee == (state.Customer.AccountManager?.Email ?? state.Customer.AccountManager?.Name)
                && (contact.Customer.AccountManager?.Email ?? contact.Customer.AccountManager?.Name) is { } manager ? c with { Assignee = manager } : c)],
        }),
        (_, CaseHoldSet hold) when hold.By == "erp" => Planned(state with { Hold = hold }),
        (_, CaseHoldSet hold) => Planned(state with { PersonHold = hold }),
        (_, CaseHoldLifted lifted) when lifted.Of == "person" => Planned(state with { PersonHold = null, PauseEndedAt = lifted.LiftedAt }),
        (_, CaseHoldLifted lifted) => Planned(state with { Hold = null, PauseEndedAt = lifted.LiftedAt }),
        (_, InvoiceDisputed disputed) => Planned(WithInvoice(state, disputed.InvoiceNumber, i => i with { OpenDisputes = i.OpenDisputes.Add(disputed.DisputeId) }) with
        {
            Disputes = state.Disputes.Find(d => d.DisputeId == disputed.DisputeId) is { } open
                ? state.Disputes.Replace(open, open with { Invoices = open.Invoices.Add(disputed.InvoiceNumber) })
                : state.Disputes.Add(new CaseDispute(disputed.DisputeId, disputed.Category, disputed.Reason, [disputed.InvoiceNumber], disputed.By, disputed.RecordedAt)),
        }),
        (_, InvoiceDisputeClosed closed) => Planned(WithInvoice(state, closed.InvoiceNumber, i => i with
        {
            OpenDisputes = i.OpenDisputes.Remove(closed.DisputeId),
            AwaitingCorrectionUntil = closed.AwaitCorrectionUntil ?? i.AwaitingCorrectionUntil,
            AwaitingCorrectionFor = closed.AwaitCorrectionUntil is null ? i.AwaitingCorrectionFor : closed.DisputeId,
        }) with
        {
            Disputes = [.. state.Disputes.Select(d => d.DisputeId == closed.DisputeId ? d with { Invoices = d.Invoices.Remove(closed.InvoiceNumber) } : d).Where(d => !d.Invoices.IsEmpty)],
            ClosedDisputes = state.ClosedDisputes.Add(closed.DisputeId),
        }),
        (_, InvoiceCorrectionNotReceived lapsed) => Planned(WithInvoice(state, lapsed.InvoiceNumber, i => i with { AwaitingCorrectionUntil = null, AwaitingCorrectionFor = null })),
        (_, CaseAssigned assigned) => Planned(state with
        {
            Collector = assigned.Collector,
            Calls = [.. state.Calls.Select(c => c.Queue == "collector" && (c.Assignee is null || c.Assignee == state.Collector) ? c with { Assignee = assigned.Collector } : c)],
        }),
        (_, CallAssigned assigned) => Planned(state with { Calls = [.. state.Calls.Select(c => c.CallId == assigned.CallId ? c with { Assignee = assigned.Assignee } : c)] }),
        (_, CallLogged logged) => Planned(Logged(state, logged)),
        (_, PhoneNumberReportedWrong wrong) => Planned(state with { WrongPhones = state.WrongPhones.Add(wrong.Phone) }),
        (_, PaymentPromised promised) => Planned(Arranged(state, promised.PromiseId, promised.Invoices) with
        {
            Promise = new ActivePromise(promised.PromiseId, promised.Amount, promised.PromisedFor, promised.DeadlineAt, promised.Invoices),
        }),
        (_, PaymentPromiseKept kept) => Planned(Unarranged(state, kept.PromiseId) with { Promise = null }),
        (_, PaymentPromiseBroken broken) => Planned(Unarranged(state, broken.PromiseId) with { Promise = null }),
        (_, PaymentPlanAgreed agreed) => Planned(Arranged(state, agreed.PaymentPlanId, agreed.Invoices) with
        {
            PaymentPlan = new ActivePaymentPlan(agreed.PaymentPlanId, agreed.Instalments, agreed.Invoices, agreed.GraceDays, 0),
        }),
        (_, InstalmentPaid paid) when state.PaymentPlan?.PaymentPlanId == paid.PaymentPlanId => Planned(state with
        {
            PaymentPlan = state.PaymentPlan with { InstalmentsPaid = Math.Max(state.PaymentPlan.InstalmentsPaid, paid.Number) },
        }),
        (_, PaymentPlanBroken broken) => Planned(Unarranged(state, broken.PaymentPlanId) with { PaymentPlan = null }),
        (_, PaymentPlanCompleted completed) => Planned(Unarranged(state, completed.PaymentPlanId) with { PaymentPlan = null }),
        (_, InvoicesTakenOver taken) => Planned(WithEach(state, taken.Invoices, i => i with { LeftToPerson = false, NotBefore = taken.At })),
        (_, InvoiceHoldSet held) => Planned(WithInvoice(state, held.InvoiceNumber, i => i with { Hold = new InvoiceHold(held.Reason, held.Until, held.ResumesAt, held.By) })),
        (_, InvoiceHoldLifted lifted) => Planned(WithInvoice(state, lifted.InvoiceNumber, i => i with { Hold = null })),
        // Back down the ladder: the next step is the one after the level chosen, timed from now.
        (_, CaseLevelLowered lowered) => Planned(state with
        {
            OpenInvoices = [.. state.OpenInvoices.Select(i => i.Level > lowered.ToLevel ? i with { Level = lowered.ToLevel, LastStepAt = lowered.At } : i)],
            AwaitingApproval = null,
            Blocked = null,
            LadderStopped = false,
        }),
        (_, DunningCaseClosed) => state with
        {
            Status = CaseStatus.Closed, NextActionAt = null, NextAction = null, AwaitingApproval = null,
            Calls = [], CallsDueFrom = null, Promise = null, PaymentPlan = null,
        },
        (_, DunningCaseReopened) => Planned(state with { Status = CaseStatus.Open, LadderStopped = false }),
        _ => state,
    };

    // A phone channel asked for is a call for a person to make: it goes to the queue of the plan's actor.
    // Calls of earlier steps still waiting are superseded by a later step, and by the same ladder step taken again (the level lowered).
    static DunningCase Called(DunningCase state, ReminderRequested requested)
    {
        var again = state.Plan?.Steps.ElementAtOrDefault(requested.Level - 1) is { BeforeDue: false };
        var calls = requested.Level > 0
            ? state.Calls.RemoveAll(c => c.ActionId != requested.ActionId && c.Level > 0 && (c.Level < requested.Level || (again && c.Level == requested.Level)))
            : state.Calls;
        if (requested.Channel != "phone") return state with { Calls = calls };
        var queue = requested.Actor == "account-manager" ? "account-manager" : "collector";
        var assignee = queue == "account-manager" ? requested.Recipient.AccountManager?.Email ?? requested.Recipient.AccountManager?.Name ?? state.Collector : state.Collector;
        return state with
        {
            Calls = calls.Add(new CallTask(requested.ReminderId, requested.ActionId, requested.Step, requested.Level, queue, assignee, requested.RequestedAt, requested.Invoices)
            {
                Recipient = requested.Recipient,
            }),
        };
    }

    // A call logged: done, unless nobody answered or the customer asked to be called back.
    static DunningCase Logged(DunningCase state, CallLogged logged)
    {
        if (logged.CallId is not { } callId || state.Calls.Find(c => c.CallId == callId) is not { } call) return state;
        // Made, for the letters that recall earlier actions, only when someone was reached.
        var reached = logged.Outcome is not (CallOutcomes.NoAnswer or CallOutcomes.WrongNumber);
        var made = !reached || state.CallsMade.Contains(callId) ? state.CallsMade : state.CallsMade.Add(callId);
        var again = logged.Outcome is CallOutcomes.NoAnswer or CallOutcomes.CallBack && logged.CallBackAt is { } at;
        return state with
        {
            CallsMade = made,
            CallsMadeAt = made == state.CallsMade ? state.CallsMadeAt : state.CallsMadeAt.Add(new MadeCall(callId, logged.At)),
            Calls = again
                ? state.Calls.Replace(call, call with { DueAt = logged.CallBackAt!.Value, Attempts = call.Attempts + 1, LastOutcome = logged.Outcome })
                : state.Calls.Remove(call),
        };
    }

    static DunningCase Arranged(DunningCase state, Guid arrangement, ImmutableList<ArrangedInvoice> invoices) =>
        WithEach(state, [.. invoices.Select(i => i.InvoiceNumber)], i => i with { Arrangement = arrangement });

    static DunningCase Unarranged(DunningCase state, Guid arrangement) =>
        state with { OpenInvoices = [.. state.OpenInvoices.Select(i => i.Arrangement == arrangement ? i with { Arrangement = null } : i)] };

    // The pending approval ends with the action it was asked for (sent, skipped, blocked), not with another one.
    static PendingApproval? Settled(PendingApproval? pending, Guid actionId) => pending?.ActionId == actionId ? null : pending;

    // Checked again here, for events recorded before the check existed (which avoided the customer's address on a
    // refusal or on a bounce of the account manager's copy): a case read from its events, or its stored view rebuilt,
    // uses that address again.
    static string? Avoided(ReminderNotDelivered undelivered, string channel) =>
        undelivered.Channel == channel && undelivered.Avoided is { } avoided
            && DunningCaseDecider.Avoids(channel, undelivered.Kind, undelivered.Recipient, avoided) ? avoided : null;

    static DunningCase WithLetter(DunningCase state, Guid reminderId, Func<CaseLetter, CaseLetter> change) =>
        state with { Letters = [.. state.Letters.Select(l => l.ReminderId == reminderId ? change(l) : l)] };

    static DunningCase WithInvoice(DunningCase state, string number, Func<CaseInvoice, CaseInvoice> change) =>
        state with { OpenInvoices = [.. state.OpenInvoices.Select(i => i.InvoiceNumber == number ? change(i) : i)] };

    // A courtesy step is done for the invoices it listed; a ladder step brings them to its level.
    static DunningCase Stepped(DunningCase state, string step, ImmutableList<RemindedInvoice> invoices, DateTimeOffset at)
    {
        var index = state.Plan!.Steps.FindIndex(s => s.Id == step);
        // Not a step of the plan (an invoice sent again): no level is reached.
        if (index < 0) return state;
        var courtesy = state.Plan.Steps[index].BeforeDue;
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
        return state with
        {
            NextActionAt = next?.At,
            NextAction = next?.Description,
            CallsDueFrom = state.Calls.IsEmpty ? null : state.Calls.Min(c => c.DueAt),
        };
    }
}
