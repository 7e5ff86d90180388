using System.Collections.Immutable;

namespace Relance.ReminderService.DunningPlans;

/// <summary>What a step's timing counts from.</summary>
public enum StepAnchor
{
    /// <summary>The due date of the invoice that drives the case (negative days: before it).</summary>
    DueDate,
    /// <summary>The step before it on the ladder (the due date for the first one after it).</summary>
    PreviousStep,
    /// <summary>The end of the last pause (a hold lifted), else the step before it.</summary>
    PauseEnd,
}

/// <summary>Which invoice sets a case's level on the ladder when it groups several.</summary>
public enum LevelRule
{
    /// <summary>The oldest unpaid invoice: a new invoice joins the chase where it stands.</summary>
    OldestInvoice,
    /// <summary>The invoice least far along: a new invoice takes the case back to its own first step.</summary>
    NewestInvoice,
}

/// <summary>Where an invoice already overdue when first seen starts.</summary>
public enum CatchUpMode
{
    /// <summary>At the step its age implies, had the plan been followed since its due date.</summary>
    LevelByAge,
    /// <summary>At the first step after the due date.</summary>
    FirstStep,
}

public sealed record StepTiming(StepAnchor From, int Days);

/// <summary>One rung of the ladder.</summary>
public sealed record PlanStep
{
    public required string Id { get; init; }
    public required StepTiming When { get; init; }

    /// <summary>email, letter, registered-letter, phone (a task for a person), litigation (the hand-over).</summary>
    public required ImmutableList<string> Channels { get; init; }

    public string? Template { get; init; }
    public string Tone { get; init; } = "courteous";
    public bool RequiresApproval { get; init; }

    /// <summary>The step is skipped when the case owes less than this, in the case's currency.</summary>
    public decimal MinimumAmount { get; init; }

    public bool ClaimPenalties { get; init; }
    public bool ClaimRecoveryIndemnity { get; init; }

    /// <summary>system, collector or account-manager.</summary>
    public string Actor { get; init; } = "system";

    /// <summary>The contact role addressed: billing, accounting or management.</summary>
    public string ContactRole { get; init; } = "billing";

    /// <summary>Days the customer is given to pay (8 for the formal notice; for a call, the payment date to obtain).</summary>
    public int? PaymentDeadlineDays { get; init; }

    /// <summary>The account manager is copied on (or handles) this step.</summary>
    public bool InvolveAccountManager { get; init; }

    /// <summary>A courtesy step, taken per invoice before its due date rather than on the case's ladder.</summary>
    public bool BeforeDue => When is { From: StepAnchor.DueDate, Days: < 0 };

    public string TemplateName => Template ?? Id;
}

public sealed record CatchUpPolicy
{
    public CatchUpMode Mode { get; init; } = CatchUpMode.LevelByAge;

    /// <summary>Invoices overdue by more than this many days when first seen are left to a person (0: no limit).</summary>
    public int MaxDaysOverdueOnArrival { get; init; } = 90;
}

/// <summary>
/// A company's dunning plan, as data: the ladder's steps and the rules around them. Each publication is a
/// new version; a case records the version it follows and changes only when told to.
/// </summary>
public sealed record DunningPlan
{
    /// <summary>Applies to any company without a plan of its own.</summary>
    public const string AnyCompany = "*";

    public required string CompanyId { get; init; }
    public required string Key { get; init; }
    public int Version { get; init; }
    public string Name { get; init; } = "";

    /// <summary>The customer segments it applies to; none for the company's default plan.</summary>
    public ImmutableList<string> Segments { get; init; } = [];

    public LevelRule LevelFollows { get; init; } = LevelRule.OldestInvoice;
    public CatchUpPolicy CatchUp { get; init; } = new();

    /// <summary>When actions leave, in the company's time zone.</summary>
    public PlanClock Clock { get; init; } = new();

    /// <summary>No two actions for one customer closer than this.</summary>
    public int MinimumDaysBetweenActions { get; init; } = 3;

    /// <summary>
    /// After a step sent by registered letter with a payment deadline (the formal notice), the next step waits for
    /// the proof of receipt; with none this many days after the posting (or, not known posted, the request), the
    /// letter counts as received then. An unclaimed registered letter is kept 15 days at the post office.
    /// </summary>
    public int ProofOfReceiptWaitDays { get; init; } = 21;

    /// <summary>The channel used instead when the customer cannot be reached on one (no email: letter).</summary>
    public ImmutableDictionary<string, string> Fallbacks { get; init; } = ImmutableDictionary<string, string>.Empty;

    public required ImmutableList<PlanStep> Steps { get; init; }

    public string Id => PlanId(CompanyId, Key);
    public static string PlanId(string companyId, string key) => $"{companyId}:{key}";

    public IEnumerable<(PlanStep Step, int Index)> Ladder => Steps.Select((s, i) => (s, i)).Where(x => !x.s.BeforeDue);
    public IEnumerable<(PlanStep Step, int Index)> Courtesy => Steps.Select((s, i) => (s, i)).Where(x => x.s.BeforeDue);

    /// <summary>Days from the due date at which a ladder step falls when every step before it was on time.</summary>
    public int NominalDay(int index)
    {
        var day = 0;
        foreach (var (step, i) in Ladder)
        {
            day = step.When.From == StepAnchor.DueDate ? step.When.Days : day + step.When.Days;
            if (i == index) return day;
        }
        throw new ArgumentOutOfRangeException(nameof(index), $"step {index} is not on the ladder of plan {Id}");
    }

    /// <summary>The plan's mistakes, each naming the field at fault; none when it can be published.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(CompanyId)) problems.Add("companyId: required");
        if (string.IsNullOrWhiteSpace(Key)) problems.Add("key: required");
        if (Steps is null || Steps.Count == 0) { problems.Add("steps: at least one step"); return problems; }
        if (Clock.SendWindowStart >= Clock.SendWindowEnd) problems.Add("clock.sendWindowStart: must be before sendWindowEnd");
        if (Clock.SendAt < Clock.SendWindowStart || Clock.SendAt > Clock.SendWindowEnd) problems.Add("clock.sendAt: must be within the sending hours");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(Clock.TimeZone, out _)) problems.Add($"clock.timeZone: unknown time zone '{Clock.TimeZone}'");
        if (MinimumDaysBetweenActions < 0) problems.Add("minimumDaysBetweenActions: must not be negative");
        if (ProofOfReceiptWaitDays < 0) problems.Add("proofOfReceiptWaitDays: must not be negative");
        if (CatchUp.MaxDaysOverdueOnArrival < 0) problems.Add("catchUp.maxDaysOverdueOnArrival: must not be negative");
        foreach (var duplicate in Steps.GroupBy(s => s.Id).Where(g => g.Count() > 1))
            problems.Add($"steps: step id '{duplicate.Key}' appears {duplicate.Count()} times");
        var seenLadder = false;
        for (var i = 0; i < Steps.Count; i++)
        {
            var step = Steps[i];
            var at = $"steps[{i}]";
            if (string.IsNullOrWhiteSpace(step.Id)) problems.Add($"{at}.id: required");
            if (step.Channels is null || step.Channels.Count == 0) problems.Add($"{at}.channels: at least one channel");
            else
                foreach (var channel in step.Channels.Where(c => !KnownChannels.Contains(c)))
                    problems.Add($"{at}.channels: unknown channel '{channel}' (one of {string.Join(", ", KnownChannels)})");
            if (!KnownTones.Contains(step.Tone)) problems.Add($"{at}.tone: unknown tone '{step.Tone}' (one of {string.Join(", ", KnownTones)})");
            if (!KnownActors.Contains(step.Actor)) problems.Add($"{at}.actor: unknown actor '{step.Actor}' (one of {string.Join(", ", KnownActors)})");
            if (step.MinimumAmount < 0) problems.Add($"{at}.minimumAmount: must not be negative");
            if (step.PaymentDeadlineDays is < 0) problems.Add($"{at}.paymentDeadlineDays: must not be negative");
            if (step.BeforeDue && seenLadder) problems.Add($"{at}.when: a step before the due date must come before the steps after it");
            if (!step.BeforeDue) seenLadder = true;
            if (step.When.From != StepAnchor.DueDate && step.When.Days < 0) problems.Add($"{at}.when.days: must not be negative after the {step.When.From}");
            if (step.Channels?.Contains("litigation") == true && i != Steps.Count - 1) problems.Add($"{at}.channels: the litigation hand-over must be the last step");
            if (step.BeforeDue && step.Channels?.Contains("litigation") == true) problems.Add($"{at}.channels: no litigation before the due date");
        }
        foreach (var (from, to) in Fallbacks)
            if (!KnownChannels.Contains(from) || !KnownChannels.Contains(to)) problems.Add($"fallbacks.{from}: unknown channel");
        return problems;
    }

    public static readonly ImmutableArray<string> KnownChannels = ["email", "letter", "registered-letter", "phone", "litigation", "sms"];
    public static readonly ImmutableArray<string> KnownTones = ["courteous", "firm", "formal"];
    public static readonly ImmutableArray<string> KnownActors = ["system", "collector", "account-manager"];
}

/// <summary>The hours of a plan: actions fall due at <see cref="SendAt"/> local time and leave only within the sending window.</summary>
public sealed record PlanClock
{
    public TimeOnly SendAt { get; init; } = new(9, 0);
    public string TimeZone { get; init; } = "Europe/Paris";
    public TimeOnly SendWindowStart { get; init; } = new(8, 0);
    public TimeOnly SendWindowEnd { get; init; } = new(18, 0);

    TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public DateTimeOffset At(DateOnly day) => At(day, SendAt);

    public DateTimeOffset At(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    public DateOnly DayOf(DateTimeOffset moment) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(moment, Zone).DateTime);

    public bool WithinSendWindow(DateTimeOffset moment) => InSendWindow(moment) == moment;

    /// <summary>The moment itself when it falls within the sending hours, else the next opening.</summary>
    public DateTimeOffset InSendWindow(DateTimeOffset moment)
    {
        var local = TimeZoneInfo.ConvertTime(moment, Zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var day = DateOnly.FromDateTime(local.DateTime);
        if (time < SendWindowStart) return At(day, SendWindowStart);
        if (time > SendWindowEnd) return At(day.AddDays(1), SendWindowStart);
        return moment;
    }
}
