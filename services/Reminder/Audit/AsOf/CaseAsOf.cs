using System.Text.Json;
using JasperFx.Events;
using Marten;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.LatePayment;
using Relance.ServiceDefaults.Audit.Timeline;

namespace Relance.ReminderService.Audit.AsOf;

/// <summary>
/// A dunning case as the Reminder service knew it at a past moment or stream version ("what did we know when we sent
/// the formal notice?"): the state replayed by the service's own projection up to that point, its invoices with what
/// they owed, the penalties and recovery indemnities the law gave on them that day, the reminders asked for and sent
/// so far, the last claims made, and how many events came after.
/// </summary>
public static class CaseAsOf
{
    /// <summary>None when the case did not exist then (or at all).</summary>
    public static async Task<CaseAsOfView?> ReadAsync(
        IQuerySession session, string caseKey, DateTimeOffset? at, long? version, LatePaymentLaw law, CancellationToken cancellation)
    {
        if ((at is null) == (version is null)) throw new ArgumentException("Give a moment or a version, one of the two.");
        var all = await session.Events.FetchStreamAsync(caseKey, token: cancellation);
        // What had happened by then: the stream up to its last event at or before the moment (as the timeline dates it).
        var known = all.TakeWhile(e => version is { } v ? e.Version <= v : MomentOf(e) <= at).ToList();
        if (known.Count == 0) return null;
        var last = known[^1];
        // The service's projection replays the stream up to the last event known then.
        var state = await session.Events.AggregateStreamAsync<DunningCase>(caseKey, version: last.Version, token: cancellation);
        if (state is null) return null;
        return Describe(state, known, all.Count == 0 ? 0 : all[^1].Version, at, version, law);
    }

    public static CaseAsOfView Describe(DunningCase state, IReadOnlyList<IEvent> known, long currentVersion, DateTimeOffset? at, long? version, LatePaymentLaw law)
    {
        var last = known[^1];
        var moment = at ?? MomentOf(last);
        var owedOn = state.Plan?.Clock.DayOf(moment) ?? DateOnly.FromDateTime(moment.UtcDateTime);
        string? note = null;
        var invoices = state.OpenInvoices.Select(invoice =>
        {
            PenaltyComputation? penalty = null;
            DatedIndemnity? indemnity = null;
            if (invoice.DueDate < owedOn)
            {
                try
                {
                    penalty = law.Penalty(invoice.Outstanding, invoice.DueDate, owedOn, invoice.LatePenaltyRatePercent);
                    indemnity = law.IndemnityOn(owedOn);
                }
                catch (LegalFigureMissingException missing)
                {
                    note = $"penalties not computed: {missing.Message}";
                }
            }
            var step = state.Plan is { } plan && invoice.Level >= 0 && invoice.Level < plan.Steps.Count ? plan.Steps[invoice.Level].Id : null;
            return new InvoiceAsOf(invoice.InvoiceNumber, invoice.IssueDate, invoice.DueDate, invoice.Outstanding,
                Math.Max(0, owedOn.DayNumber - invoice.DueDate.DayNumber), invoice.Level + 1, step, invoice.Chased, invoice.OpenDisputes,
                penalty?.Amount, penalty?.AnnualRatePercent, penalty?.Basis, indemnity?.Amount, indemnity?.Currency);
        }).ToList();

        var top = state.OpenInvoices.Count == 0 ? -1 : state.OpenInvoices.Max(i => i.Level);
        var level = top >= 0 && state.Plan is { } p && top < p.Steps.Count ? new CaseLevel(top + 1, p.Steps[top].Id) : null;

        var sent = known.Select(e => e.Data).OfType<ReminderSent>().GroupBy(s => s.ReminderId).ToDictionary(g => g.Key, g => g.First());
        var reminders = known.Select(e => e.Data).OfType<ReminderRequested>()
            .Select(r => new ReminderAsOf(r.ReminderId, r.Step, r.Level, r.Channel, r.RequestedAt,
                sent.TryGetValue(r.ReminderId, out var s) ? s.SentAt : null, s?.ContentSha256))
            .ToList();
        var lastClaims = known.Select(e => e.Data).OfType<ReminderRequested>().LastOrDefault(r => !r.Claims.IsEmpty) is { } claimed
            ? new ClaimsMade(claimed.Step, claimed.RequestedAt, claimed.Claims, claimed.Claims.Sum(c => c.Penalty), claimed.Claims.Sum(c => c.RecoveryIndemnity))
            : null;

        return new CaseAsOfView(
            state.Id, at, version,
            new KnownEvent(last.Version, last.Sequence, last.EventTypeName, MomentOf(last)),
            currentVersion, (int)(currentVersion - last.Version),
            state.Status.ToString(), state.Plan is { } adopted ? $"{adopted.Id} v{adopted.Version}" : null, level,
            state.Currency, owedOn, invoices,
            invoices.Sum(i => i.Outstanding), invoices.Sum(i => i.Penalty ?? 0), invoices.Sum(i => i.RecoveryIndemnity ?? 0),
            invoices.Select(i => i.IndemnityCurrency).FirstOrDefault(c => c is not null), note,
            reminders, lastClaims, state.AwaitingApproval, state.Letters, state);
    }

    /// <summary>When an event happened, as the timeline dates it: the moment it states (by the service's clock), else when it was stored.</summary>
    public static DateTimeOffset MomentOf(IEvent e) =>
        EventFields.Moment(JsonSerializer.SerializeToElement(e.Data, e.Data.GetType())) ?? e.Timestamp;
}

/// <param name="At">The moment asked for, if any.</param>
/// <param name="Version">The stream version asked for, if any.</param>
/// <param name="LastEventApplied">The last event the state reflects.</param>
/// <param name="EventsNotYetKnown">Events of the case stored after that one, up to now.</param>
/// <param name="OwedOn">The day (in the plan's time zone) the penalties and indemnities are computed to.</param>
/// <param name="Case">The whole replayed state, as the service's projection builds it.</param>
public sealed record CaseAsOfView(
    string CaseId,
    DateTimeOffset? At,
    long? Version,
    KnownEvent LastEventApplied,
    long CurrentVersion,
    int EventsNotYetKnown,
    string Status,
    string? Plan,
    CaseLevel? Level,
    string Currency,
    DateOnly OwedOn,
    IReadOnlyList<InvoiceAsOf> Invoices,
    decimal TotalOutstanding,
    decimal TotalPenalties,
    decimal TotalRecoveryIndemnities,
    string? IndemnityCurrency,
    string? PenaltiesNote,
    IReadOnlyList<ReminderAsOf> Reminders,
    ClaimsMade? LastClaims,
    PendingApproval? AwaitingApproval,
    IReadOnlyList<CaseLetter> Letters,
    DunningCase Case);

public sealed record KnownEvent(long Version, long Sequence, string Type, DateTimeOffset At);

/// <summary>The highest step taken on the case's open invoices (1 for the plan's first).</summary>
public sealed record CaseLevel(int Level, string Step);

/// <param name="Level">The last step taken for it, 1 for the plan's first; 0 for none.</param>
public sealed record InvoiceAsOf(
    string InvoiceNumber,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal Outstanding,
    int DaysLate,
    int Level,
    string? Step,
    bool Chased,
    IReadOnlyList<string> OpenDisputes,
    decimal? Penalty,
    decimal? PenaltyRatePercent,
    string? PenaltyBasis,
    decimal? RecoveryIndemnity,
    string? IndemnityCurrency);

public sealed record ReminderAsOf(Guid ReminderId, string Step, int Level, string Channel, DateTimeOffset RequestedAt, DateTimeOffset? SentAt, string? ContentSha256);

/// <summary>The penalties and indemnities the last reminder that claimed any claimed, as it computed them.</summary>
public sealed record ClaimsMade(string Step, DateTimeOffset RequestedAt, IReadOnlyList<InvoiceClaim> Claims, decimal Penalties, decimal RecoveryIndemnities);
