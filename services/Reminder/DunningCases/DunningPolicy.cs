using Relance.ReminderService.DunningPlans;

namespace Relance.ReminderService.DunningCases;

/// <summary>
/// The Reminder service's own settings around the plans, read from the "Dunning" configuration section.
/// What is chased and when is in the plans (data, per company); these are the operator's knobs.
/// </summary>
public sealed record DunningPolicy
{
    /// <summary>
    /// A new invoice's first action waits at least this long after it arrives, so that a customer's invoices
    /// arriving together (an ERP's first load) go in one communication rather than one each.
    /// </summary>
    public TimeSpan GroupingDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The folder of plan files published at start (a new version when a file changed).</summary>
    public string PlansDirectory { get; init; } = "plans";

    /// <summary>
    /// Opens the sending hours of every plan published from files (a demo machine: see deploy/up.sh). Left
    /// empty, each plan's own hours hold.
    /// </summary>
    public TimeOnly? SendWindowStart { get; init; }
    public TimeOnly? SendWindowEnd { get; init; }

    public DunningPlan Apply(DunningPlan plan) => plan with
    {
        Clock = plan.Clock with
        {
            SendWindowStart = SendWindowStart ?? plan.Clock.SendWindowStart,
            SendWindowEnd = SendWindowEnd ?? plan.Clock.SendWindowEnd,
        },
    };
}
