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
    /// <summary>Withdrawals (<see cref="WithdrawReminder"/>) have a queue of their own, read before any reminder leaves.</summary>
    public const string WithdrawReminderQueue = "correspondence-withdraw-reminder";
}

/// <summary>
/// Announced by the Correspondence service when a reminder it sent did not reach its recipient: an email bounced,
/// an SMS the gateway reports undelivered, a provider that refused it for good, a letter returned because the
/// addressee is unknown at the address, a rendering refused after the request was recorded, or one given up on as
/// too old to send (<see cref="ReminderNotDeliveredKinds.Expired"/>).
/// </summary>
/// <param name="Kind"><see cref="ReminderNotDeliveredKinds"/>.</param>
/// <param name="Reason">What the provider or the mail system said (status code, diagnostic).</param>
public sealed record ReminderNotDelivered(
    Guid ReminderId,
    string CaseId,
    string Channel,
    string Recipient,
    string Kind,
    string Reason,
    DateTimeOffset At);

public static class ReminderNotDeliveredKinds
{
    public const string Bounced = "bounced";
    public const string DeliveryFailed = "delivery-failed";
    public const string Refused = "refused";
    /// <summary>A letter the post office returned because the addressee is unknown at the address (recipient: the postal address on one line).</summary>
    public const string Returned = "returned";

    /// <summary>Not dispatched within the Correspondence service's maximum age (from the request): given up on, never sent.</summary>
    public const string Expired = "expired";
}

/// <summary>
/// A bounce from the mail system, in plain JSON (contracts/schemas/email.bounced.schema.json), published on the
/// <see cref="MailTopology.BouncedExchange"/> fanout exchange. Every member may be missing in what arrives: the
/// Correspondence service checks them and rejects the message with the reasons to its error queue.
/// </summary>
/// <param name="MessageId">The bounced email's Message-Id, "&lt;id&gt;@relance" (angle brackets optional); or give <paramref name="CorrespondenceId"/>.</param>
/// <param name="StatusCode">The SMTP or enhanced status code: 550, 5.1.1.</param>
public sealed record EmailBounced(
    string? MessageId,
    string? CorrespondenceId,
    string? Recipient,
    string? StatusCode,
    string? Diagnostic,
    DateTimeOffset? BouncedAt);

/// <summary>Where the mail system reports bounces: plain AMQP names (contracts/asyncapi.yaml).</summary>
public static class MailTopology
{
    public const string BouncedExchange = "relance.email.bounced";
    /// <summary>The Correspondence service's queue; its "_error" queue keeps the messages rejected, with the reasons.</summary>
    public const string BouncedQueue = "correspondence-email-bounced";
    public const string BouncedSchemaFile = "email.bounced.schema.json";
}
