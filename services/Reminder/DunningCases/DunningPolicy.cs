namespace Relance.ReminderService.DunningCases;

/// <summary>
/// When reminders go out, read from the "Dunning" configuration section. A business policy, not a legal
/// figure: the defaults follow shared/domain.md (a courtesy reminder a few days before the due date).
/// </summary>
public sealed record DunningPolicy
{
    /// <summary>Days from the due date to the first reminder: negative is before it (a courtesy reminder).</summary>
    public int FirstReminderDaysFromDueDate { get; init; } = -3;

    /// <summary>Local time of day at which reminders become due, so that none leaves in the night.</summary>
    public TimeOnly SendAt { get; init; } = new(9, 0);

    public string TimeZone { get; init; } = "Europe/Paris";

    public DateTimeOffset FirstReminderAt(DateOnly dueDate)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var local = dueDate.AddDays(FirstReminderDaysFromDueDate).ToDateTime(SendAt);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    public string FirstReminderRule =>
        $"first reminder {FirstReminderDaysFromDueDate:+0;-0;0} days from the due date at {SendAt:HH\\:mm} {TimeZone} (Dunning:FirstReminderDaysFromDueDate)";
}
