namespace Relance.Contracts.Correspondence;

/// <summary>
/// Command from the Reminder service: do not send this reminder after all (every invoice it lists was paid,
/// cancelled, contested, held, promised or put in a payment plan after it was handed over). Sent at least once to
/// <see cref="CorrespondenceTopology.WithdrawReminderQueue"/>, which the Correspondence service reads before it lets any
/// reminder leave; it may arrive before the request itself. The Correspondence service stops it if it has not left
/// yet and answers with <see cref="ReminderWithdrawalAnswered"/> either way.
/// </summary>
/// <param name="Reason">Why, as the Reminder service recorded it on the case.</param>
/// <param name="RecalledAt">When the Reminder service decided to withdraw it.</param>
public sealed record WithdrawReminder(Guid ReminderId, string CaseId, string Reason, DateTimeOffset RecalledAt);

/// <summary>
/// The Correspondence service's answer to <see cref="WithdrawReminder"/>: <see cref="ReminderWithdrawalOutcomes.Withdrawn"/>
/// (it never left and never will) or <see cref="ReminderWithdrawalOutcomes.TooLate"/> (it had already left, or its
/// provider may have it: a <see cref="ReminderSent"/> tells or told the rest).
/// </summary>
public sealed record ReminderWithdrawalAnswered(Guid ReminderId, string CaseId, string Outcome, string Detail, DateTimeOffset AnsweredAt);

public static class ReminderWithdrawalOutcomes
{
    public const string Withdrawn = "withdrawn";
    public const string TooLate = "too-late";
}
