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

    /// <summary>Days after a promised date before the promise counts as broken (a transfer takes a day or two).</summary>
    public int PromiseGraceDays { get; init; } = 3;

    /// <summary>The furthest a promise may be dated; further is a payment plan.</summary>
    public int MaxPromiseDays { get; init; } = 90;

    /// <summary>The furthest a person may hold a case or an invoice; longer is a write-off or a payment plan.</summary>
    public int MaxHoldDays { get; init; } = 366;

    /// <summary>The furthest a payment plan's last instalment may be dated.</summary>
    public int MaxPaymentPlanDays { get; init; } = 730;

    /// <summary>Days after an instalment's date before it counts as missed.</summary>
    public int InstalmentGraceDays { get; init; } = 3;

    /// <summary>After an invoice is sent again (the customer said it never received it), days it is left to be paid before the chase resumes.</summary>
    public int ResentInvoicePaymentDays { get; init; } = 8;

    /// <summary>A dispute resolved by a credit note or a corrected invoice: days the ERP is given to send it before the invoice is chased again as it stands.</summary>
    public int CorrectionWaitDays { get; init; } = 15;

    /// <summary>A call not answered goes back to the queue this many days later (unless the person gives a time).</summary>
    public int NoAnswerRetryDays { get; init; } = 1;

    public DunningPlan Apply(DunningPlan plan) => plan with
    {
        Clock = plan.Clock with
        {
            SendWindowStart = SendWindowStart ?? plan.Clock.SendWindowStart,
            SendWindowEnd = SendWindowEnd ?? plan.Clock.SendWindowEnd,
        },
    };
}
