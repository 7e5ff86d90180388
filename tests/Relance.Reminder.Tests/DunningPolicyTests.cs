using Relance.ReminderService.DunningCases;

namespace Relance.Reminder.Tests;

[Trait("Category", "Unit")]
public class DunningPolicyTests
{
    [Theory]
    [InlineData("2026-07-10", -3, "2026-07-07T09:00:00+02:00")] // summer time in Paris
    [InlineData("2026-10-28", -3, "2026-10-25T09:00:00+01:00")] // the day winter time starts
    [InlineData("2026-10-31", 0, "2026-10-31T09:00:00+01:00")]
    [InlineData("2026-10-31", 5, "2026-11-05T09:00:00+01:00")]
    public void The_first_reminder_falls_on_the_configured_day_at_the_local_sending_time(string due, int days, string expected)
    {
        var policy = new DunningPolicy { FirstReminderDaysFromDueDate = days };
        var at = policy.FirstReminderAt(DateOnly.Parse(due));
        Assert.Equal(DateTimeOffset.Parse(expected), at);
        Assert.Equal(DateTimeOffset.Parse(expected).Offset, at.Offset);
    }

    [Fact]
    public void The_rule_says_where_the_date_comes_from() =>
        Assert.Equal("first reminder -3 days from the due date at 09:00 Europe/Paris (Dunning:FirstReminderDaysFromDueDate)", new DunningPolicy().FirstReminderRule);

    [Theory]
    [InlineData("2026-11-23T02:00:00+00:00", "2026-11-23T08:00:00+01:00")] // 03:00 in Paris: the morning's opening
    [InlineData("2026-11-23T10:00:00+00:00", "2026-11-23T10:01:00+00:00")] // 11:00: within the hours
    [InlineData("2026-11-23T18:30:00+00:00", "2026-11-24T08:00:00+01:00")] // 19:30: the next morning
    public void An_invoice_arriving_overdue_is_reminded_within_the_sending_hours(string arrived, string expected)
    {
        var (at, rule) = new DunningPolicy().PlanFirstReminder(new DateOnly(2026, 11, 1), DateTimeOffset.Parse(arrived));
        Assert.Equal(DateTimeOffset.Parse(expected), at);
        Assert.Contains("Dunning:GroupingDelay", rule);
    }
}
