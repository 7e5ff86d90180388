using System.Collections.Immutable;

namespace Relance.ReminderService.DunningCases;

// The persisted schema of a dunning case: one per customer, company and currency, grouping all the
// customer's unpaid invoices so that one reminder lists them all.

public sealed record DunningCaseOpened(
    string CaseId,
    string CompanyId,
    CaseCustomer Customer,
    string Currency,
    DateTimeOffset OpenedAt);

public sealed record CaseCustomer(string CustomerId, string Name, string Email);

/// <param name="FirstReminderAt">When the first reminder for this invoice is due; none when the catch-up policy leaves it to a person.</param>
/// <param name="Rule">The policy rule that set <paramref name="FirstReminderAt"/>, for the proof trail.</param>
public sealed record InvoiceJoinedCase(
    string InvoiceNumber,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal Outstanding,
    DateTimeOffset? FirstReminderAt,
    string Rule,
    DateTimeOffset JoinedAt);

/// <param name="FirstReminderAt">When the invoice's first reminder is now due (moved when a correction moved the due date before it was sent).</param>
public sealed record InvoiceBalanceChanged(
    string InvoiceNumber,
    decimal Outstanding,
    DateOnly DueDate,
    DateTimeOffset? FirstReminderAt,
    string Reason,
    DateTimeOffset RecordedAt);

public sealed record InvoiceLeftCase(string InvoiceNumber, string Reason, DateTimeOffset LeftAt);

/// <param name="NextNotBefore">No other reminder for this customer before then (Dunning:MinimumDaysBetweenReminders).</param>
public sealed record ReminderRequested(
    Guid ReminderId,
    string Step,
    string Channel,
    CaseCustomer Recipient,
    ImmutableList<RemindedInvoice> Invoices,
    string Reason,
    DateTimeOffset RequestedAt,
    DateTimeOffset NextNotBefore);

public sealed record RemindedInvoice(string InvoiceNumber, DateOnly IssueDate, DateOnly DueDate, decimal Outstanding);

public sealed record ReminderSent(
    Guid ReminderId,
    string Channel,
    string Recipient,
    DateTimeOffset SentAt,
    string ContentSha256);

/// <summary>The ERP changed who reminders go to.</summary>
public sealed record CaseContactChanged(string Name, string Email, DateTimeOffset ChangedAt);

/// <summary>The ERP put the customer on hold: no reminder before <paramref name="ResumesAt"/>.</summary>
public sealed record CaseHoldSet(string Reason, DateOnly Until, DateTimeOffset ResumesAt, DateTimeOffset SetAt);

public sealed record CaseHoldLifted(DateTimeOffset LiftedAt);

/// <summary>The customer contests the invoice: it is not reminded while a dispute on it is open.</summary>
public sealed record InvoiceDisputed(string InvoiceNumber, string DisputeId, string Reason, DateTimeOffset RecordedAt);

public sealed record InvoiceDisputeClosed(string InvoiceNumber, string DisputeId, string Resolution, DateTimeOffset RecordedAt);

/// <summary>A requested reminder that was not sent: none of the invoices it listed was still to chase when it was to leave.</summary>
/// <param name="LeftOut">Its invoices; those still open (contested meanwhile) await their first reminder again.</param>
public sealed record ReminderWithdrawn(Guid ReminderId, ImmutableList<string> LeftOut, string Reason, DateTimeOffset WithdrawnAt);

/// <summary>A requested reminder sent without some of its invoices, paid, cancelled or contested meanwhile.</summary>
/// <param name="LeftOut">Those invoices; the ones still open await their first reminder again.</param>
public sealed record ReminderNarrowed(Guid ReminderId, ImmutableList<string> LeftOut, string Reason, DateTimeOffset NarrowedAt);

public sealed record DunningCaseClosed(string Reason, DateTimeOffset ClosedAt);

public sealed record DunningCaseReopened(DateTimeOffset ReopenedAt);

public enum CaseStatus { Open, Closed }

public sealed record CaseInvoice(
    string InvoiceNumber,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal Outstanding,
    DateTimeOffset? FirstReminderAt,
    bool Reminded)
{
    public ImmutableList<string> OpenDisputes { get; init; } = [];

    /// <summary>Chased: neither reminded yet nor contested.</summary>
    public bool AwaitsFirstReminder => !Reminded && OpenDisputes.IsEmpty;
}

public sealed record DunningCase(
    string Id,
    string CompanyId,
    CaseCustomer Customer,
    string Currency,
    CaseStatus Status,
    ImmutableList<CaseInvoice> OpenInvoices,
    ImmutableHashSet<string> KnownInvoices,
    ImmutableList<Guid> RequestedReminders,
    ImmutableList<Guid> SentReminders,
    // No reminder before then: the minimum gap after the last one.
    DateTimeOffset? RemindersNotBefore,
    // No reminder before then either: the customer's hold, set by the ERP.
    CaseHoldSet? Hold,
    // When the scheduler must next act on this case; null when nothing is planned. Indexed.
    DateTimeOffset? NextReminderAt)
{
    public static string StreamKey(string companyId, string customerId, string currency) => $"{companyId}/{customerId}/{currency}";
}

public static class DunningCaseEvolution
{
    public static DunningCase? Evolve(DunningCase? state, object @event) => (state, @event) switch
    {
        (null, DunningCaseOpened opened) => new DunningCase(
            opened.CaseId, opened.CompanyId, opened.Customer, opened.Currency, CaseStatus.Open, [], [], [], [], null, null, null),
        (null, _) => null,
        (_, InvoiceJoinedCase joined) => Planned(state with
        {
            OpenInvoices = state.OpenInvoices.Add(new CaseInvoice(
                joined.InvoiceNumber, joined.IssueDate, joined.DueDate, joined.Outstanding, joined.FirstReminderAt, false)),
            KnownInvoices = state.KnownInvoices.Add(joined.InvoiceNumber),
        }),
        (_, InvoiceBalanceChanged changed) => Planned(state with
        {
            OpenInvoices = state.OpenInvoices
                .Select(i => i.InvoiceNumber == changed.InvoiceNumber
                    ? i with { Outstanding = changed.Outstanding, DueDate = changed.DueDate, FirstReminderAt = changed.FirstReminderAt }
                    : i)
                .ToImmutableList(),
        }),
        (_, ReminderWithdrawn withdrawn) => Planned(RemindAgain(state, withdrawn.LeftOut)),
        (_, ReminderNarrowed narrowed) => Planned(RemindAgain(state, narrowed.LeftOut)),
        (_, CaseContactChanged contact) => state with { Customer = state.Customer with { Name = contact.Name, Email = contact.Email } },
        (_, CaseHoldSet hold) => Planned(state with { Hold = hold }),
        (_, CaseHoldLifted) => Planned(state with { Hold = null }),
        (_, InvoiceDisputed disputed) => Planned(state with
        {
            OpenInvoices = state.OpenInvoices
                .Select(i => i.InvoiceNumber == disputed.InvoiceNumber ? i with { OpenDisputes = i.OpenDisputes.Add(disputed.DisputeId) } : i)
                .ToImmutableList(),
        }),
        (_, InvoiceDisputeClosed closed) => Planned(state with
        {
            OpenInvoices = state.OpenInvoices
                .Select(i => i.InvoiceNumber == closed.InvoiceNumber ? i with { OpenDisputes = i.OpenDisputes.Remove(closed.DisputeId) } : i)
                .ToImmutableList(),
        }),
        (_, InvoiceLeftCase left) => Planned(state with
        {
            OpenInvoices = state.OpenInvoices.RemoveAll(i => i.InvoiceNumber == left.InvoiceNumber),
        }),
        (_, ReminderRequested requested) => Planned(state with
        {
            OpenInvoices = state.OpenInvoices
                .Select(i => requested.Invoices.Any(r => r.InvoiceNumber == i.InvoiceNumber) ? i with { Reminded = true } : i)
                .ToImmutableList(),
            RequestedReminders = state.RequestedReminders.Add(requested.ReminderId),
            RemindersNotBefore = requested.NextNotBefore,
        }),
        (_, ReminderSent sent) => state with { SentReminders = state.SentReminders.Add(sent.ReminderId) },
        (_, DunningCaseClosed) => state with { Status = CaseStatus.Closed, NextReminderAt = null },
        (_, DunningCaseReopened) => Planned(state with { Status = CaseStatus.Open }),
        _ => state,
    };

    static DunningCase RemindAgain(DunningCase state, ImmutableList<string> leftOut) => state with
    {
        OpenInvoices = state.OpenInvoices.Select(i => leftOut.Contains(i.InvoiceNumber) ? i with { Reminded = false } : i).ToImmutableList(),
    };

    // The next action is the earliest first reminder not yet requested, while the case is open, and not
    // before the minimum gap after the last reminder.
    static DunningCase Planned(DunningCase state)
    {
        var earliest = state.Status == CaseStatus.Open
            ? state.OpenInvoices.Where(i => i.AwaitsFirstReminder).Select(i => i.FirstReminderAt).Min()
            : null;
        if (earliest is not { } at) return state with { NextReminderAt = null };
        DateTimeOffset?[] bounds = [at, state.RemindersNotBefore, state.Hold?.ResumesAt];
        return state with { NextReminderAt = bounds.Max() };
    }
}
