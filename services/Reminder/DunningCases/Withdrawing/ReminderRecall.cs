using System.Collections.Immutable;
using Channels = Relance.Contracts.Correspondence.ReminderChannels;

namespace Relance.ReminderService.DunningCases.Withdrawing;

/// <summary>
/// Which of a case's written reminders are still worth sending, and which must be called back. Pure. A reminder
/// is about the invoices it lists that are still owed and still to chase: for a step of the ladder, chased (not
/// contested, held, promised, in a payment plan or awaiting a correction) or left to a person; for an invoice sent
/// again (level 0), not contested. When none is left, it is withdrawn before the hand-over, recalled after it.
/// </summary>
public static class ReminderRecall
{
    public const string Why = "paid, cancelled, contested, held, promised or put in a payment plan after the reminder was requested";

    /// <summary>The case's open invoices the reminder still concerns, in the case's order.</summary>
    public static List<CaseInvoice> StillOwed(DunningCase state, int level, IReadOnlyCollection<RemindedInvoice> invoices) =>
        [.. state.OpenInvoices.Where(i => (level == 0 ? i.OpenDisputes.IsEmpty : i.Chased || i.LeftToPerson)
                                          && invoices.Any(r => r.InvoiceNumber == i.InvoiceNumber))];

    /// <summary>
    /// The reminders handed over and not yet settled either way (sent, not delivered, withdrawn, already recalled) whose
    /// invoices are no longer to chase: one <see cref="ReminderRecalled"/> each, in the order they were requested.
    /// A phone step is a task for a person, not handed over: never recalled here.
    /// </summary>
    public static IReadOnlyList<ReminderRecalled> Recall(DunningCase? state, DateTimeOffset now) =>
        state is null ? [] :
        [.. state.Requested
            .Where(r => r.Channel != Channels.Phone
                        && !state.SentReminders.Contains(r.ReminderId)
                        && !state.WithdrawnReminders.Contains(r.ReminderId)
                        && !state.RecalledReminders.Contains(r.ReminderId)
                        && !state.Undelivered.Exists(u => u.ReminderId == r.ReminderId)
                        && StillOwed(state, r.Level, r.Invoices).Count == 0)
            .Select(r => new ReminderRecalled(r.ReminderId, $"every invoice it listed ({string.Join(", ", r.Invoices.Select(i => i.InvoiceNumber))}) was {Why}", now))];

    /// <summary>
    /// The Correspondence service's answer that a recalled reminder never left: recorded once, its invoices still open
    /// going back to where they were (the step counts as not taken). Nothing for one sent, withdrawn already, or unknown.
    /// </summary>
    public static IReadOnlyList<object> RecordWithdrawn(Guid reminderId, string reason, DateTimeOffset withdrawnAt, DunningCase? state) =>
        state?.Requested.Find(r => r.ReminderId == reminderId) is { } requested
        && !state.SentReminders.Contains(reminderId) && !state.WithdrawnReminders.Contains(reminderId)
            ? [new ReminderWithdrawn(reminderId, [.. requested.Invoices.Select(i => i.InvoiceNumber)], reason, withdrawnAt)]
            : [];
}
