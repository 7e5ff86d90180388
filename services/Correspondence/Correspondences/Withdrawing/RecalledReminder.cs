namespace Relance.CorrespondenceService.Correspondences.Withdrawing;

/// <summary>A withdrawal as this service decides on it: the Reminder service's, or the last look's (<see cref="InvoicesLastLook"/>).</summary>
/// <param name="RecalledAt">When the Reminder service decided to withdraw it, or when the Invoice service was read.</param>
public sealed record Withdrawal(string Reason, DateTimeOffset RecalledAt);

/// <summary>
/// A withdrawal received, kept by the correspondence's id (the reminder id) whether or not its request has come
/// yet: the request may arrive after it (another delivery, a redelivery, a queue read in parallel), and is then
/// withdrawn as soon as it is recorded. The correspondence's own stream holds the proof
/// (<see cref="CorrespondenceWithdrawn"/> or <see cref="CorrespondenceWithdrawalTooLate"/>); this is the notice.
/// </summary>
public sealed record RecalledReminder(string Id, string CaseId, string Reason, DateTimeOffset RecalledAt, DateTimeOffset ReceivedAt)
{
    public Withdrawal Withdrawal => new(Reason, RecalledAt);
}
