using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ReminderService.DunningCases.ChangingBalance;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ReminderService.DunningCases.Disputing;
using Relance.ReminderService.DunningCases.RecordingReminderSent;
using Relance.ReminderService.DunningCases.RemovingInvoice;
using Relance.ReminderService.DunningCases.RequestingDueReminders;

namespace Relance.ReminderService.DunningCases;

/// <summary>Pure decisions on a dunning case: no clock, no store, no bus. Every command is safe to repeat.</summary>
public static class DunningCaseDecider
{
    public const string FirstReminderStep = "first-reminder";
    public const string EmailChannel = "email";

    public static IReadOnlyList<object> Decide(AddInvoiceToCase command, DunningCase? state, DunningPolicy policy)
    {
        if (state?.KnownInvoices.Contains(command.InvoiceNumber) == true) return [];

        var (firstReminderAt, rule) = policy.PlanFirstReminder(command.DueDate, command.Now);
        var joined = new InvoiceJoinedCase(
            command.InvoiceNumber, command.IssueDate, command.DueDate, command.Outstanding, firstReminderAt, rule, command.Now);

        return state switch
        {
            null when command.Hold is { } hold =>
            [
                new DunningCaseOpened(command.CaseId, command.CompanyId, command.Customer, command.Currency, command.Now),
                new CaseHoldSet(hold.Reason, hold.Until, policy.ResumesAfter(hold.Until), command.Now), joined,
            ],
            null => [new DunningCaseOpened(command.CaseId, command.CompanyId, command.Customer, command.Currency, command.Now), joined],
            { Status: CaseStatus.Closed } => [new DunningCaseReopened(command.Now), joined],
            _ => [joined],
        };
    }

    public static IReadOnlyList<object> Decide(ChangeInvoiceBalance command, DunningCase? state, DunningPolicy policy)
    {
        var invoice = state?.OpenInvoices.Find(i => i.InvoiceNumber == command.InvoiceNumber);
        if (invoice is null || (invoice.Outstanding == command.Outstanding && invoice.DueDate == command.DueDate)) return [];
        // A reminder already requested stays requested; one not yet due follows the new due date.
        var firstReminderAt = invoice.Reminded || invoice.DueDate == command.DueDate || invoice.FirstReminderAt is null
            ? invoice.FirstReminderAt
            : policy.FirstReminderAt(command.DueDate);
        return [new InvoiceBalanceChanged(command.InvoiceNumber, command.Outstanding, command.DueDate, firstReminderAt, command.Reason, command.Now)];
    }

    public static IReadOnlyList<object> Decide(ChangeCustomer command, DunningCase? state, DunningPolicy policy)
    {
        if (state is null) return [];
        var events = new List<object>();
        var email = command.Email ?? state.Customer.Email;
        if (command.Name != state.Customer.Name || email != state.Customer.Email)
            events.Add(new CaseContactChanged(command.Name, email, command.Now));
        if (command.Hold is { } hold && (state.Hold?.Reason != hold.Reason || state.Hold?.Until != hold.Until))
            events.Add(new CaseHoldSet(hold.Reason, hold.Until, policy.ResumesAfter(hold.Until), command.Now));
        if (command.Hold is null && state.Hold is not null)
            events.Add(new CaseHoldLifted(command.Now));
        return events;
    }

    public static IReadOnlyList<object> Decide(RecordDispute command, DunningCase? state)
    {
        var invoice = state?.OpenInvoices.Find(i => i.InvoiceNumber == command.InvoiceNumber);
        if (invoice is null) return [];
        return command.Opened
            ? invoice.OpenDisputes.Contains(command.DisputeId) ? [] : [new InvoiceDisputed(command.InvoiceNumber, command.DisputeId, command.ReasonOrResolution, command.Now)]
            : !invoice.OpenDisputes.Contains(command.DisputeId) ? [] : [new InvoiceDisputeClosed(command.InvoiceNumber, command.DisputeId, command.ReasonOrResolution, command.Now)];
    }

    public static IReadOnlyList<object> Decide(RemoveInvoiceFromCase command, DunningCase? state)
    {
        if (state is null || !state.OpenInvoices.Exists(i => i.InvoiceNumber == command.InvoiceNumber)) return [];

        var left = new InvoiceLeftCase(command.InvoiceNumber, command.Reason, command.Now);
        return state.OpenInvoices.Count == 1
            ? [left, new DunningCaseClosed($"no invoice of the case is owed any more (the last one {command.Reason})", command.Now)]
            : [left];
    }

    public static IReadOnlyList<object> Decide(RequestDueReminder command, DunningCase? state, DunningPolicy policy)
    {
        if (state is not { Status: CaseStatus.Open, NextReminderAt: { } next } || next > command.Now) return [];
        // Due, but outside the sending hours (a hold lifted or a dispute closed in the evening): it waits for the opening.
        if (!policy.WithinSendWindow(command.Now)) return [];

        // One reminder lists every open invoice whose first reminder is due, not one message per invoice.
        var due = state.OpenInvoices.Where(i => i.AwaitsFirstReminder && i.FirstReminderAt <= command.Now).ToList();
        return
        [
            new ReminderRequested(
                command.ReminderId, FirstReminderStep, EmailChannel, state.Customer,
                [.. due.Select(i => new RemindedInvoice(i.InvoiceNumber, i.IssueDate, i.DueDate, i.Outstanding))],
                $"first reminder due at {next:O} for {string.Join(", ", due.Select(i => i.InvoiceNumber))}",
                command.Now,
                command.Now.AddDays(policy.MinimumDaysBetweenReminders)),
        ];
    }

    public static IReadOnlyList<object> Decide(RecordReminderSent command, DunningCase? state)
    {
        if (state is null || !state.RequestedReminders.Contains(command.ReminderId) || state.SentReminders.Contains(command.ReminderId))
            return [];
        return [new ReminderSent(command.ReminderId, command.Channel, command.Recipient, command.SentAt, command.ContentSha256)];
    }
}
