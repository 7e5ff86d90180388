namespace Relance.Contracts.Correspondence;

/// <summary>Command from the Reminder service: send this reminder. Sent at least once; <see cref="ReminderId"/> makes it idempotent.</summary>
public sealed record SendReminder(
    Guid ReminderId,
    string CaseId,
    string CompanyId,
    string Step,
    ReminderRecipient Recipient,
    IReadOnlyList<ReminderInvoice> Invoices,
    DateOnly AsOf);

public sealed record ReminderRecipient(string CustomerId, string Name, string Email);

public sealed record ReminderInvoice(
    string InvoiceNumber,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal Outstanding,
    string Currency);

/// <summary>Announced by the Correspondence service once the reminder left through its channel.</summary>
public sealed record ReminderSent(
    Guid ReminderId,
    string CaseId,
    string Channel,
    string Recipient,
    DateTimeOffset SentAt,
    string ContentSha256);

public static class CorrespondenceTopology
{
    public const string SendReminderQueue = "correspondence-send-reminder";
}
