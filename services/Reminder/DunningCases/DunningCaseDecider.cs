using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ReminderService.DunningCases.ApplyingPayment;
using Relance.ReminderService.DunningCases.RecordingReminderSent;
using Relance.ReminderService.DunningCases.RemovingSettledInvoice;
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

        var joined = new InvoiceJoinedCase(
            command.InvoiceNumber, command.IssueDate, command.DueDate, command.Outstanding,
            policy.FirstReminderAt(command.DueDate), policy.FirstReminderRule, command.Now);

        return state switch
        {
            null => [new DunningCaseOpened(command.CaseId, command.CompanyId, command.Customer, command.Currency, command.Now), joined],
            { Status: CaseStatus.Closed } => [new DunningCaseReopened(command.Now), joined],
            _ => [joined],
        };
    }

    public static IReadOnlyList<object> Decide(ApplyPartialPayment command, DunningCase? state)
    {
        var invoice = state?.OpenInvoices.Find(i => i.InvoiceNumber == command.InvoiceNumber);
        return invoice is null || invoice.Outstanding == command.Outstanding
            ? []
            : [new InvoicePartlyPaid(command.InvoiceNumber, command.Outstanding, command.Now)];
    }

    public static IReadOnlyList<object> Decide(RemoveSettledInvoice command, DunningCase? state)
    {
        if (state is null || !state.OpenInvoices.Exists(i => i.InvoiceNumber == command.InvoiceNumber)) return [];

        var left = new InvoiceLeftCase(command.InvoiceNumber, "settled", command.Now);
        return state.OpenInvoices.Count == 1
            ? [left, new DunningCaseClosed("every invoice of the case is settled", command.Now)]
            : [left];
    }

    public static IReadOnlyList<object> Decide(RequestDueReminder command, DunningCase? state)
    {
        if (state is not { Status: CaseStatus.Open, NextReminderAt: { } next } || next > command.Now) return [];

        // One reminder lists every open invoice whose first reminder is due, not one message per invoice.
        var due = state.OpenInvoices.Where(i => !i.Reminded && i.FirstReminderAt <= command.Now).ToList();
        return
        [
            new ReminderRequested(
                command.ReminderId, FirstReminderStep, EmailChannel, state.Customer,
                [.. due.Select(i => new RemindedInvoice(i.InvoiceNumber, i.IssueDate, i.DueDate, i.Outstanding))],
                $"first reminder due at {next:O} for {string.Join(", ", due.Select(i => i.InvoiceNumber))}",
                command.Now),
        ];
    }

    public static IReadOnlyList<object> Decide(RecordReminderSent command, DunningCase? state)
    {
        if (state is null || !state.RequestedReminders.Contains(command.ReminderId) || state.SentReminders.Contains(command.ReminderId))
            return [];
        return [new ReminderSent(command.ReminderId, command.Channel, command.Recipient, command.SentAt, command.ContentSha256)];
    }
}
