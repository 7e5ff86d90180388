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

    /// <summary>Reminders leave only between these local times: one due outside waits for the next opening.</summary>
    public TimeOnly SendWindowStart { get; init; } = new(8, 0);
    public TimeOnly SendWindowEnd { get; init; } = new(18, 0);

    /// <summary>
    /// An invoice's first reminder waits at least this long after the invoice arrives, so that a customer's
    /// invoices arriving together (an ERP's first load) go out in one reminder rather than one each.
    /// </summary>
    public TimeSpan GroupingDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>After a reminder, the next one for the same customer waits at least this many days.</summary>
    public int MinimumDaysBetweenReminders { get; init; } = 7;

    public CatchUpPolicy CatchUp { get; init; } = new();

    /// <summary>When an invoice joining a case is first reminded, and the rule that says so; none for an invoice too old to remind automatically.</summary>
    public (DateTimeOffset? At, string Rule) PlanFirstReminder(DateOnly dueDate, DateTimeOffset joinedAt)
    {
        var daysOverdue = DateOnly.FromDateTime(joinedAt.UtcDateTime).DayNumber - dueDate.DayNumber;
        if (CatchUp.MaxDaysOverdueOnArrival > 0 && daysOverdue > CatchUp.MaxDaysOverdueOnArrival)
            return (null, $"not reminded automatically: {daysOverdue} days overdue when first seen, more than {CatchUp.MaxDaysOverdueOnArrival} (Dunning:CatchUp:MaxDaysOverdueOnArrival)");

        var planned = FirstReminderAt(dueDate);
        var grouped = joinedAt + GroupingDelay;
        if (planned >= grouped) return (planned, FirstReminderRule);
        var sendable = InSendWindow(grouped);
        return (sendable, $"{FirstReminderRule}, not before {GroupingDelay.TotalMinutes:0} min after it arrived so that the customer's invoices go together (Dunning:GroupingDelay)"
            + (sendable > grouped ? $", and within the sending hours {SendWindowStart:HH\\:mm}-{SendWindowEnd:HH\\:mm} {TimeZone} (Dunning:SendWindowStart, SendWindowEnd)" : ""));
    }

    public DateTimeOffset FirstReminderAt(DateOnly dueDate) => LocalTime(dueDate.AddDays(FirstReminderDaysFromDueDate));

    /// <summary>A hold until a date ends the next day, at the sending time.</summary>
    public DateTimeOffset ResumesAfter(DateOnly until) => LocalTime(until.AddDays(1));

    public bool WithinSendWindow(DateTimeOffset moment) => InSendWindow(moment) == moment;

    /// <summary>The moment itself when it falls within the sending hours, else the next opening.</summary>
    public DateTimeOffset InSendWindow(DateTimeOffset moment)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var local = TimeZoneInfo.ConvertTime(moment, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var day = DateOnly.FromDateTime(local.DateTime);
        if (time < SendWindowStart) return LocalTime(day, SendWindowStart);
        if (time > SendWindowEnd) return LocalTime(day.AddDays(1), SendWindowStart);
        return moment;
    }

    DateTimeOffset LocalTime(DateOnly day) => LocalTime(day, SendAt);

    DateTimeOffset LocalTime(DateOnly day, TimeOnly at)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var local = day.ToDateTime(at);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    public string FirstReminderRule =>
        $"first reminder {FirstReminderDaysFromDueDate:+0;-0;0} days from the due date at {SendAt:HH\\:mm} {TimeZone} (Dunning:FirstReminderDaysFromDueDate)";
}

/// <summary>What to do with invoices already long overdue when Relance first sees them (an ERP's first load).</summary>
public sealed record CatchUpPolicy
{
    /// <summary>Invoices overdue by more than this many days on arrival are not reminded automatically (0: no limit).</summary>
    public int MaxDaysOverdueOnArrival { get; init; } = 90;
}
