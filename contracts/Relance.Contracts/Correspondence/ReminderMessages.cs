namespace Relance.Contracts.Correspondence;

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
