using JasperFx.Events;
using Marten;
using Relance.ReminderService.DunningPlans;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.Calling;

/// <summary>The calls due by the end of a day, for a person: each with its case, invoices, history and a call script.</summary>
public static class WorkQueue
{
    public sealed record QueuedCall(
        Guid CallId,
        string CaseId,
        string CompanyId,
        string CustomerId,
        string CustomerName,
        string Step,
        string Queue,
        string? Assignee,
        DateTimeOffset DueAt,
        int Attempts,
        string? LastOutcome,
        ActionRecipient? Contact,
        IReadOnlyList<QueuedInvoice> Invoices,
        decimal Total,
        string Currency,
        long CaseVersion,
        IReadOnlyList<HistoryEntry> History,
        IReadOnlyList<string> Script);

    public sealed record QueuedInvoice(string InvoiceNumber, DateOnly DueDate, decimal Outstanding, int DaysLate);

    public sealed record HistoryEntry(DateTimeOffset At, string What, string? By);

    public static void MapWorkQueue(this IEndpointRouteBuilder app)
    {
        app.MapGet("/work-queue", async (string? companyId, string? assignee, DateOnly? day, HttpContext http, IQuerySession session, TimeProvider clock, CancellationToken cancellation) =>
        {
            if (string.IsNullOrWhiteSpace(companyId))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["companyId"] = ["required: the company whose calls to list"] });
            if (!http.User.MayActFor(companyId))
                return CompanyScope.Forbidden(companyId);
            var who = assignee is null or "me" ? http.User.UserName() : assignee;
            var now = clock.GetUtcNow();
            // A first cut on the default clock (Paris) with a day's margin; each case's own clock decides below.
            var defaultClock = new PlanClock();
            var latest = defaultClock.At((day ?? defaultClock.DayOf(now)).AddDays(2), TimeOnly.MinValue);

            var cases = await session.Query<DunningCase>()
                .Where(c => c.CompanyId == companyId && c.CallsDueFrom != null && c.CallsDueFrom < latest)
                .ToListAsync(cancellation);
            var queue = new List<QueuedCall>();
            foreach (var dunningCase in cases)
            {
                var caseClock = dunningCase.Plan?.Clock ?? defaultClock;
                var date = day ?? caseClock.DayOf(now);
                var endOfDay = caseClock.At(date.AddDays(1), TimeOnly.MinValue);
                // A case on hold is not chased: its calls wait for the hold to end.
                if (dunningCase.HeldUntil is { } heldUntil && heldUntil >= endOfDay) continue;
                var chased = dunningCase.OpenInvoices.Where(i => i.Chased).Select(i => i.InvoiceNumber).ToHashSet();
                var calls = dunningCase.Calls.Where(c => c.DueAt < endOfDay && c.Invoices.Exists(i => chased.Contains(i.InvoiceNumber)) && who switch
                {
                    "all" => true,
                    "unassigned" => c.Assignee is null,
                    _ => string.Equals(c.Assignee, who, StringComparison.OrdinalIgnoreCase),
                }).ToList();
                if (calls.Count == 0) continue;
                var history = History(await session.Events.FetchStreamAsync(dunningCase.Id, token: cancellation));
                queue.AddRange(calls.Select(call => Queued(dunningCase, call, history, date)));
            }
            return Results.Ok(queue.OrderBy(q => q.DueAt).ThenByDescending(q => q.Total));
        }).RequireAuthorization(RelancePolicies.Work).WithTags("Working a case").WithName("WorkQueue")
          .WithSummary("The calls due by the end of the day: yours (assignee=me, by default), unassigned, someone's, or all");
    }

    static QueuedCall Queued(DunningCase dunningCase, CallTask call, IReadOnlyList<HistoryEntry> history, DateOnly today)
    {
        // The invoices as they stand now, not as when the call was planned.
        var invoices = dunningCase.OpenInvoices.Where(i => i.Chased && call.Invoices.Exists(c => c.InvoiceNumber == i.InvoiceNumber))
            .Select(i => new QueuedInvoice(i.InvoiceNumber, i.DueDate, i.Outstanding, Math.Max(0, today.DayNumber - i.DueDate.DayNumber))).ToList();
        var step = dunningCase.Plan?.Steps.Find(s => s.Id == call.Step);
        return new QueuedCall(call.CallId, dunningCase.Id, dunningCase.CompanyId, dunningCase.Customer.CustomerId, dunningCase.Customer.Name, call.Step,
            call.Queue, call.Assignee, call.DueAt, call.Attempts, call.LastOutcome, call.Recipient, invoices, invoices.Sum(i => i.Outstanding),
            dunningCase.Currency, dunningCase.Version, history, CallScript.For(dunningCase, call, invoices, step?.PaymentDeadlineDays, history, dunningCase.Plan?.Clock ?? new PlanClock()));
    }

    /// <summary>What was done on the case, newest first, in words: the steps, the calls, what was agreed or contested.</summary>
    public static IReadOnlyList<HistoryEntry> History(IReadOnlyList<IEvent> events) =>
        [.. events.Select(e => Describe(e.Data) is { } what ? new HistoryEntry(e.Timestamp, what, e.UserName) : null)
            .OfType<HistoryEntry>().Reverse().Take(20)];

    static string? Describe(object data) => data switch
    {
        ReminderRequested r => $"{r.Step} by {r.Channel} ({r.Invoices.Count} invoice{(r.Invoices.Count > 1 ? "s" : "")})",
        ReminderSent s => $"sent by {s.Channel} to {s.Recipient}",
        CallLogged c => $"call: {c.Outcome}{(c.Notes is { } n ? $" — {n}" : "")}{(c.NextStep is { } next ? $"; next: {next}" : "")}",
        PaymentPromised p => $"promise to pay {p.Amount:0.00} by {p.PromisedFor:yyyy-MM-dd}",
        PaymentPromiseKept => "promise kept",
        PaymentPromiseBroken b => $"promise broken: {b.Paid:0.00} of {b.Promised:0.00} paid",
        PaymentPlanAgreed a => $"payment plan of {a.Instalments.Count} instalments agreed",
        PaymentPlanBroken b => $"payment plan broken: instalment {b.MissedInstalment} missed",
        InvoiceDisputed d => $"{d.InvoiceNumber} disputed: {d.Reason}",
        InvoiceDisputeClosed d => $"dispute on {d.InvoiceNumber} closed: {d.Resolution}",
        CaseNoteAdded n => $"note: {n.Text}",
        StepSkipped s => $"{s.Step} skipped: {s.Reason}",
        ActionAwaitingApproval a => $"{a.Step} awaits approval",
        ActionRefused r => $"{r.Step} refused: {r.Reason}",
        CaseHoldSet h => $"on hold until {h.Until:yyyy-MM-dd}: {h.Reason}",
        InvoiceHoldSet h => $"{h.InvoiceNumber} on hold until {h.Until:yyyy-MM-dd}: {h.Reason}",
        InvoiceBalanceChanged b => $"{b.InvoiceNumber} now owes {b.Outstanding:0.00} ({b.Reason})",
        InvoiceLeftCase l => $"{l.InvoiceNumber} {l.Reason}",
        _ => null,
    };
}
