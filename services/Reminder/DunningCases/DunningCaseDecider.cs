using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ReminderService.DunningCases.AdoptingPlan;
using Relance.ReminderService.DunningCases.Approving;
using Relance.ReminderService.DunningCases.ChangingBalance;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ReminderService.DunningCases.Disputing;
using Relance.ReminderService.DunningCases.RecordingReminderSent;
using Relance.ReminderService.DunningCases.RemovingInvoice;
using Relance.ReminderService.DunningCases.TakingDueActions;
using Relance.ReminderService.DunningPlans;
using Relance.ReminderService.LatePayment;

namespace Relance.ReminderService.DunningCases;

/// <summary>Pure decisions on a dunning case: no clock, no store, no bus. Every command is safe to repeat.</summary>
public static partial class DunningCaseDecider
{
    public static IReadOnlyList<object> Decide(AddInvoiceToCase command, DunningCase? state, DunningPolicy policy, LatePaymentLaw law)
    {
        if (state?.KnownInvoices.Contains(command.InvoiceNumber) == true) return [];
        var plan = state?.Plan ?? command.Plan;
        var joined = Join(command, plan, policy, law);
        return state switch
        {
            null when command.Hold is { } hold =>
            [
                new DunningCaseOpened(command.CaseId, command.CompanyId, command.Customer, command.Currency, command.Now),
                new CasePlanAdopted(plan.Id, plan.Version, plan, command.PlanReason, command.Now),
                new CaseHoldSet(hold.Reason, hold.Until, plan.Clock.At(hold.Until.AddDays(1)), command.Now), joined,
            ],
            null =>
            [
                new DunningCaseOpened(command.CaseId, command.CompanyId, command.Customer, command.Currency, command.Now),
                new CasePlanAdopted(plan.Id, plan.Version, plan, command.PlanReason, command.Now), joined,
            ],
            { Status: CaseStatus.Closed } => [new DunningCaseReopened(command.Now), joined],
            _ => [joined],
        };
    }

    // Where a new invoice starts on the plan: its courtesy steps still ahead, and, when it is already
    // overdue, the catch-up policy's level (or none at all when it is too old to chase automatically).
    static InvoiceJoinedCase Join(AddInvoiceToCase command, DunningPlan plan, DunningPolicy policy, LatePaymentLaw law)
    {
        var today = plan.Clock.DayOf(command.Now);
        var daysOverdue = today.DayNumber - command.DueDate.DayNumber;
        var notBefore = plan.Clock.InSendWindow(command.Now + policy.GroupingDelay);
        var rules = new List<string>
        {
            $"plan {plan.Id} v{plan.Version}",
            $"not before {notBefore:O}: {policy.GroupingDelay.TotalMinutes:0} min after it arrived so that the customer's invoices go together (Dunning:GroupingDelay), within the sending hours",
        };

        var leftToPerson = plan.CatchUp.MaxDaysOverdueOnArrival > 0 && daysOverdue > plan.CatchUp.MaxDaysOverdueOnArrival;
        // Of the courtesy steps already past when it arrived, the last is still taken while the due date is ahead.
        var past = plan.Courtesy.Where(x => daysOverdue >= 0 || plan.Clock.At(command.DueDate.AddDays(x.Step.When.Days)) < command.Now)
            .Select(x => x.Step.Id).ToImmutableList();
        var skipped = daysOverdue < 0 && !past.IsEmpty ? past.RemoveAt(past.Count - 1) : past;
        if (!skipped.IsEmpty) rules.Add($"courtesy steps already past when it arrived: {string.Join(", ", skipped)}");

        var startLevel = -1;
        if (leftToPerson)
            rules.Add($"not chased automatically: {daysOverdue} days overdue when first seen, more than {plan.CatchUp.MaxDaysOverdueOnArrival} (catchUp.maxDaysOverdueOnArrival)");
        else if (daysOverdue > 0 && plan.CatchUp.Mode == CatchUpMode.LevelByAge)
        {
            // Never past the first step that needs a person's approval: no formal notice or hand-over without the steps before it.
            var gate = plan.Ladder.Where(x => x.Step.RequiresApproval).Select(x => x.Index).DefaultIfEmpty(int.MaxValue).Min();
            var reached = plan.Ladder.Where(x => plan.NominalDay(x.Index) <= daysOverdue && x.Index < gate).Select(x => x.Index).ToList();
            if (reached.Count > 0)
            {
                startLevel = reached.Count > 1 ? reached[^2] : -1;
                rules.Add($"caught up by age: {daysOverdue} days overdue when first seen, so it starts at step {reached[^1] + 1} '{plan.Steps[reached[^1]].Id}' (catchUp.mode LevelByAge"
                    + (plan.Ladder.Any(x => plan.NominalDay(x.Index) <= daysOverdue && x.Index >= gate) ? ", never past the first step needing approval)" : ")"));
            }
        }
        else if (daysOverdue > 0)
            rules.Add($"{daysOverdue} days overdue when first seen: starts at the first step after the due date (catchUp.mode FirstStep)");

        return new InvoiceJoinedCase(command.InvoiceNumber, command.IssueDate, command.DueDate, command.Outstanding,
            startLevel, skipped, notBefore, leftToPerson, string.Join("; ", rules), command.Now)
        {
            LatePenaltyRatePercent = command.LatePenaltyRatePercent,
            PaymentTermsBreach = law.PaymentTermsBreach(command.IssueDate, command.DueDate),
            PaymentClause = command.PaymentClause,
        };
    }

    public static IReadOnlyList<object> Decide(ChangeInvoiceBalance command, DunningCase? state)
    {
        var invoice = state?.OpenInvoices.Find(i => i.InvoiceNumber == command.InvoiceNumber);
        if (invoice is null || (invoice.Outstanding == command.Outstanding && invoice.DueDate == command.DueDate)) return [];
        var changed = new InvoiceBalanceChanged(command.InvoiceNumber, command.Outstanding, command.DueDate, command.Reason, command.Now);
        return [changed, .. ArrangementsHonoured(DunningCaseEvolution.Evolve(state, changed)!, command.Now)];
    }

    public static IReadOnlyList<object> Decide(ChangeCustomer command, DunningCase? state)
    {
        if (state is null) return [];
        var events = new List<object>();
        // Described with contacts, the customer is reached through them only; described without any, the email its invoices gave stays.
        var customer = command.Customer.Contacts.IsEmpty ? command.Customer with { Email = state.Customer.Email } : command.Customer;
        if (JsonSerializer.Serialize(customer) != JsonSerializer.Serialize(state.Customer))
            events.Add(new CaseContactChanged(customer, command.Now));
        // A hold already over (expired, or lifted by a person) is not set again by the ERP repeating it.
        var resumesAt = command.Hold is { } wanted ? ClockOf(state).At(wanted.Until.AddDays(1)) : default;
        // The ERP's hold only: a person's is kept apart and the ERP's messages never touch it.
        if (command.Hold is { } hold && resumesAt > command.Now && (state.Hold?.Reason != hold.Reason || state.Hold?.Until != hold.Until))
            events.Add(new CaseHoldSet(hold.Reason, hold.Until, resumesAt, command.Now));
        // Lifted only while it is in force, and only a hold the ERP set: a person's hold is the person's to lift.
        if (command.Hold is null && state.Hold is { } held && held.ResumesAt > command.Now)
            events.Add(new CaseHoldLifted(command.Now));
        return events;
    }

    public static IReadOnlyList<object> Decide(RecordDispute command, DunningCase? state)
    {
        var invoice = state?.OpenInvoices.Find(i => i.InvoiceNumber == command.InvoiceNumber);
        if (invoice is null) return [];
        return command.Opened
            // Open already, or closed already (a redelivered message must not reopen what a person resolved).
            ? invoice.OpenDisputes.Contains(command.DisputeId) || state!.ClosedDisputes.Contains(command.DisputeId) ? [] : [new InvoiceDisputed(command.InvoiceNumber, command.DisputeId, command.ReasonOrResolution, command.Now)]
            : !invoice.OpenDisputes.Contains(command.DisputeId) ? [] : [new InvoiceDisputeClosed(command.InvoiceNumber, command.DisputeId, command.ReasonOrResolution, command.Now)];
    }

    public static IReadOnlyList<object> Decide(RemoveInvoiceFromCase command, DunningCase? state)
    {
        if (state is null || !state.OpenInvoices.Exists(i => i.InvoiceNumber == command.InvoiceNumber)) return [];

        var left = new InvoiceLeftCase(command.InvoiceNumber, command.Reason, command.Now);
        var honoured = ArrangementsHonoured(DunningCaseEvolution.Evolve(state, left)!, command.Now);
        return state.OpenInvoices.Count == 1
            ? [left, .. honoured, new DunningCaseClosed($"no invoice of the case is owed any more (the last one {command.Reason})", command.Now)]
            : [left, .. honoured];
    }

    public static IReadOnlyList<object> Decide(AdoptPlan command, DunningCase? state)
    {
        if (state is null || (state.Plan?.Id == command.Plan.Id && state.Plan.Version == command.Plan.Version)) return [];
        return [new CasePlanAdopted(command.Plan.Id, command.Plan.Version, command.Plan, command.Reason, command.Now)];
    }

    public static IReadOnlyList<object> Decide(DecideApproval command, DunningCase? state)
    {
        if (state?.AwaitingApproval is not { } pending || pending.ActionId != command.ActionId) return [];
        if (command.Approve)
            return pending.Approved ? [] : [new ActionApproved(pending.ActionId, pending.Step, command.By, command.Comment, command.Now)];
        return [new ActionRefused(pending.ActionId, pending.Step, command.By, command.Comment ?? "", command.Now)];
    }

    public static IReadOnlyList<object> Decide(RecordReminderSent command, DunningCase? state)
    {
        if (state is null || !state.Requested.Exists(r => r.ReminderId == command.ReminderId) || state.SentReminders.Contains(command.ReminderId))
            return [];
        return [new ReminderSent(command.ReminderId, command.Channel, command.Recipient, command.SentAt, command.ContentSha256)];
    }

    /// <summary>
    /// Take what is due at <see cref="TakeDueActions.Now"/>: steps skipped for a small amount are passed over
    /// at once, and at most one communication (one step, on each of its channels) is asked for per run.
    /// </summary>
    public static IReadOnlyList<object> Decide(TakeDueActions command, DunningCase? state, LatePaymentLaw law)
    {
        if (state is not { Status: CaseStatus.Open, Plan: { } plan }) return [];
        // Due, but outside the sending hours (a hold lifted in the evening): it waits for the opening.
        if (!plan.Clock.WithinSendWindow(command.Now)) return [];

        var events = new List<object>();
        var current = state;
        // Reviews (holds ending, promises and instalments falling due) come on top of the plan's steps.
        for (var round = 0; round <= plan.Steps.Count + 16; round++)
        {
            if (DunningSchedule.Next(current) is not { } next || next.At > command.Now) break;
            if (next.Review)
            {
                var reviewed = Reviewed(current, command.Now);
                if (reviewed.Count == 0) break;
                events.AddRange(reviewed);
                current = reviewed.Aggregate(current, (s, e) => DunningCaseEvolution.Evolve(s, e)!);
                continue;
            }
            var actionId = current.AwaitingApproval is { Approved: true } approved && !next.Courtesy ? approved.ActionId : Derive(command.ActionId, round);
            var decided = next.Courtesy
                ? Courtesy(current, plan, next, actionId, command.Now)
                : Ladder(current, plan, next, actionId, command.Now, law);
            if (decided.Count == 0) break;
            events.AddRange(decided);
            current = decided.Aggregate(current, (s, e) => DunningCaseEvolution.Evolve(s, e)!);
            if (decided.Any(e => e is ReminderRequested or ActionAwaitingApproval or CaseHandedToLitigation or StepBlocked)) break;
        }
        return events;
    }

    static List<object> Courtesy(DunningCase state, DunningPlan plan, ScheduledAction next, Guid actionId, DateTimeOffset now)
    {
        var step = plan.Steps[next.StepIndex];
        var today = plan.Clock.DayOf(now);
        var owed = state.OpenInvoices
            .Where(i => i.Chased && plan.Courtesy.FirstOrDefault(x => !i.CourtesyDone.Contains(x.Step.Id)).Step?.Id == step.Id)
            .Where(i => plan.Clock.At(i.DueDate.AddDays(step.When.Days)) <= now && i.NotBefore <= now)
            .ToList();
        var events = new List<object>();
        var late = owed.Where(i => i.DueDate < today).ToList();
        if (late.Count > 0)
            events.Add(new StepSkipped(actionId, step.Id, next.StepIndex + 1, Listed(late),
                "the due date came before this courtesy reminder could leave (a hold or the minimum gap between actions)", now));
        var onTime = owed.Except(late).ToList();
        if (onTime.Count > 0)
            events.AddRange(Requests(state, plan, step, next, actionId, onTime, [], now, next.Description));
        return events;
    }

    /// <param name="manual">A person asking for the step now (approving it, if it needs approval and the person may): no minimum amount, no wait.</param>
    static List<object> Ladder(DunningCase state, DunningPlan plan, ScheduledAction next, Guid actionId, DateTimeOffset now, LatePaymentLaw law, ManualStep? manual = null)
    {
        var step = plan.Steps[next.StepIndex];
        var today = plan.Clock.DayOf(now);
        // The step covers every chased invoice due by now: one communication for the customer.
        var approval = manual is null && state.AwaitingApproval is { Approved: true } pending && pending.StepIndex == next.StepIndex ? pending : null;
        var approved = approval is not null || manual is { MayApprove: true };
        var included = state.OpenInvoices
            .Where(i => i.Chased && i.DueDate < today && (approval is null || approval.Invoices.Contains(i.InvoiceNumber)))
            .OrderBy(i => i.DueDate).ThenBy(i => i.InvoiceNumber, StringComparer.Ordinal).ToList();
        if (included.Count == 0)
            // Approved, but every invoice it was approved for was paid, cancelled or contested since: the approval lapses.
            return approval is null ? [] : [new StepSkipped(actionId, step.Id, next.StepIndex + 1, [],
                $"{next.Description}; not taken: none of the invoices it was approved for is still owed", now)];
        var total = included.Sum(i => i.Outstanding);
        var listed = Listed(included);

        if (total < step.MinimumAmount && manual is null)
            return [new StepSkipped(actionId, step.Id, next.StepIndex + 1, listed,
                $"{next.Description}; skipped: {total:0.00} {state.Currency} owed, under the step's minimum of {step.MinimumAmount:0.00}", now)];
        if (step.RequiresApproval && !approved)
            return [new ActionAwaitingApproval(actionId, step.Id, next.StepIndex + 1, listed, total, $"{next.Description}; needs a person's approval", now)];

        var claims = Claims(step, included, today, state.Currency, law);
        // Once approved, the reason is the one the approval was asked with, and when it was given.
        var reason = approval is not null ? $"{next.Description}; approved {approval.ApprovedAt:O}" : next.Description;
        if (step.Channels.Contains("litigation"))
            return [new CaseHandedToLitigation(actionId, step.Id, next.StepIndex + 1, listed, claims, reason, now)];
        return Requests(state, plan, step, next, actionId, included, claims, now, reason, manual?.By);
    }

    static List<object> Requests(DunningCase state, DunningPlan plan, PlanStep step, ScheduledAction next, Guid actionId,
        List<CaseInvoice> invoices, ImmutableList<InvoiceClaim> claims, DateTimeOffset now, string reason, string? requestedBy = null)
    {
        var listed = Listed(invoices);
        var reached = step.Channels.Select(wanted => Reach(state.Customer, plan, step, wanted, Unreachable.Of(state))).ToList();
        // Nobody to write to on any channel: sending would only fail; the ladder waits for the customer to be completed.
        if (!reached.Exists(r => r.Reachable))
            return [new StepBlocked(actionId, step.Id, next.StepIndex + 1, listed,
                $"{reason}; blocked: {reached[0].Recipient.Via} (the ERP must complete the customer's contacts or address)", now)];
        var events = new List<object>();
        var channels = new HashSet<string>();
        foreach (var (channel, recipient) in reached.Where(r => r.Reachable))
        {
            if (!channels.Add(channel)) continue; // two channels falling back onto the same one: one action
            events.Add(new ReminderRequested(Derive(actionId, channels.Count), actionId, step.Id, next.StepIndex + 1, channel, recipient, listed,
                reason, now, now.AddDays(plan.MinimumDaysBetweenActions))
            {
                Tone = step.Tone,
                Template = step.TemplateName,
                Actor = step.Actor,
                PaymentDeadlineDays = step.PaymentDeadlineDays,
                Claims = claims,
                RequestedBy = requestedBy,
            });
        }
        return events;
    }

    /// <summary>
    /// A call that cannot be made (a wrong number): its step reaches the customer by the channel the plan falls back
    /// to, now, for its invoices still chased; nothing when no other channel reaches the customer.
    /// </summary>
    public static IReadOnlyList<object> ByFallback(DunningCase state, DunningPlan plan, CallTask call, Guid actionId, string by, DateTimeOffset now)
    {
        var index = plan.Steps.FindIndex(s => s.Id == call.Step);
        var invoices = state.OpenInvoices.Where(i => i.Chased && call.Invoices.Exists(c => c.InvoiceNumber == i.InvoiceNumber)).ToList();
        if (index < 0 || invoices.Count == 0) return [];
        var step = plan.Steps[index];
        var events = Requests(state, plan, step, new ScheduledAction(now, index, Courtesy: false, $"{step.Id}: the phone number was wrong"),
            actionId, invoices, [], now, $"{step.Id} (step {index + 1} of plan {plan.Id} v{plan.Version}): the call could not be made, {by} found the number wrong", by);
        return events.OfType<ReminderRequested>().Any(r => r.Channel != "phone") ? [.. events.OfType<ReminderRequested>().Where(r => r.Channel != "phone")] : [];
    }

    static ImmutableList<RemindedInvoice> Listed(IEnumerable<CaseInvoice> invoices) =>
        [.. invoices.Select(i => new RemindedInvoice(i.InvoiceNumber, i.IssueDate, i.DueDate, i.Outstanding, i.Level))];

    static ImmutableList<InvoiceClaim> Claims(PlanStep step, List<CaseInvoice> invoices, DateOnly today, string currency, LatePaymentLaw law)
    {
        if (!step.ClaimPenalties && !step.ClaimRecoveryIndemnity) return [];
        var claims = ImmutableList.CreateBuilder<InvoiceClaim>();
        foreach (var invoice in invoices.Where(i => i.DueDate < today))
        {
            var penalty = step.ClaimPenalties ? law.Penalty(invoice.Outstanding, invoice.DueDate, today, invoice.LatePenaltyRatePercent) : null;
            var indemnity = step.ClaimRecoveryIndemnity ? law.IndemnityOn(today) : null;
            claims.Add(new InvoiceClaim(invoice.InvoiceNumber, invoice.Outstanding, today.DayNumber - invoice.DueDate.DayNumber,
                penalty?.AnnualRatePercent ?? 0, penalty?.Basis ?? "non réclamées à cette étape", penalty?.Amount ?? 0,
                indemnity?.Amount ?? 0, indemnity?.Currency ?? currency));
        }
        return claims.ToImmutable();
    }

    /// <summary>
    /// The channel the step can really use for this customer, and whom it addresses: the contact of the
    /// step's role, else billing, else accounting; the plan's fallback when the customer cannot be reached
    /// on the channel (no email, or only addresses that bounced: a letter).
    /// </summary>
    public static ChannelReach Reach(CaseCustomer customer, DunningPlan plan, PlanStep step, string wanted, Unreachable? unreachable = null)
    {
        var tried = new List<string>();
        var channel = wanted;
        while (true)
        {
            if (Recipient(customer, step, channel, unreachable ?? Unreachable.None) is { } recipient)
                return new(channel, tried.Count == 0 ? recipient : recipient with { Via = $"{recipient.Via}; instead of {string.Join(", then ", tried)}, which the customer cannot be reached by" }, Reachable: true);
            tried.Add(channel);
            var fallback = plan.Fallbacks.TryGetValue(channel, out var configured) ? configured : DefaultFallback(channel);
            if (fallback is null || tried.Contains(fallback) || fallback == wanted)
                return new(wanted, Unreached(customer, $"no contact for {string.Join(", ", tried)} and no fallback left"), Reachable: false);
            channel = fallback;
        }
    }

    static string? DefaultFallback(string channel) => channel switch
    {
        "email" => "letter",
        "phone" => "email",
        "letter" => "email",
        "sms" => "email",
        _ => null,
    };

    static ActionRecipient? Recipient(CaseCustomer customer, PlanStep step, string channel, Unreachable unreachable)
    {
        var order = new[] { step.ContactRole, "billing", "accounting" }.Distinct();
        var contacts = order.SelectMany(role => customer.Contacts.Where(c => c.Role == role)).ToList();
        var manager = step.InvolveAccountManager || step.Actor == "account-manager" ? customer.AccountManager : null;
        ActionRecipient Make(CaseContact? contact, string via) =>
            new(customer.CustomerId, customer.Name, contact?.Name, contact?.Email ?? NullIfEmpty(customer.Email), contact?.Phone, customer.PostalAddress, manager, via);
        switch (channel)
        {
            case "email":
                if (contacts.FirstOrDefault(c => unreachable.TakesEmail(c.Email)) is { } byEmail) return Make(byEmail, $"{byEmail.Role} contact's email");
                return unreachable.TakesEmail(customer.Email) ? Make(null, "the customer's email on its invoices") : null;
            case "phone" or "sms":
                return contacts.FirstOrDefault(c => unreachable.Takes(channel, c.Phone)) is { } byPhone ? Make(byPhone, $"{byPhone.Role} contact's phone") : null;
            case "letter" or "registered-letter":
                return customer.PostalAddress is null || !unreachable.TakesAddress(customer.PostalAddress) ? null
                    : contacts.FirstOrDefault() is { } addressee ? Make(addressee, $"the customer's postal address, for its {addressee.Role} contact") : Make(null, "the customer's postal address");
            default:
                return Make(contacts.FirstOrDefault(), channel);
        }
    }

    static ActionRecipient Unreached(CaseCustomer customer, string via) =>
        new(customer.CustomerId, customer.Name, null, NullIfEmpty(customer.Email), null, customer.PostalAddress, customer.AccountManager, via);

    static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    static Relance.ReminderService.DunningPlans.PlanClock ClockOf(DunningCase state) => state.Plan?.Clock ?? new();

    /// <summary>
    /// Where the customer cannot be reached: phone numbers a person found wrong (no call, no SMS), email addresses
    /// that bounced, numbers an SMS was not delivered to, postal addresses a letter came back from. Each by its value:
    /// another one from the ERP is tried.
    /// </summary>
    public sealed record Unreachable(ImmutableHashSet<string> WrongPhones, ImmutableHashSet<string> Emails, ImmutableHashSet<string> SmsNumbers,
        ImmutableHashSet<string> PostalAddresses)
    {
        public static readonly Unreachable None = new([], [], [], []);

        public static Unreachable Of(DunningCase state) =>
            new(state.WrongPhones, state.UndeliverableEmails, state.UndeliverableSmsNumbers, state.UndeliverablePostalAddresses);

        public bool TakesAddress(CasePostalAddress address) => !PostalAddresses.Contains(AddressKey(address));

        public bool TakesEmail(string? email) => !string.IsNullOrEmpty(email) && !Emails.Contains(email.ToLowerInvariant());

        public bool Takes(string channel, string? phone) =>
            !string.IsNullOrEmpty(phone) && !WrongPhones.Contains(phone) && !(channel == "sms" && SmsNumbers.Contains(phone));
    }

    /// <summary>The channel a step will use and whom it addresses; not reachable when no channel, fallbacks included, reaches the customer.</summary>
    public sealed record ChannelReach(string Channel, ActionRecipient Recipient, bool Reachable)
    {
        public void Deconstruct(out string channel, out ActionRecipient recipient) => (channel, recipient) = (Channel, Recipient);
    }

    /// <summary>A stable id derived from another: the same decision repeated gets the same ids.</summary>
    public static Guid Derive(Guid from, int index)
    {
        Span<byte> input = stackalloc byte[20];
        from.TryWriteBytes(input);
        BitConverter.TryWriteBytes(input[16..], index);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return new Guid(hash[..16]);
    }
}
