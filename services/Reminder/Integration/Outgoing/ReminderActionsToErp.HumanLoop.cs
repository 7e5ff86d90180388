using JasperFx.Events;
using Marten;
using Relance.Contracts.Erp;
using Relance.ReminderService.DunningCases;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.Integration.Outgoing;

/// <summary>
/// What people did on a case, told to the ERPs so that they can show it to accountants, forecast cash and block
/// disputed invoices: calls logged, promises and payment plans (with what became of them), disputes a person opened or
/// resolved, write-offs. Each message's id is the id of the event behind it (for a dispute, of the first of its
/// per-invoice events), the same on a repeat.
/// </summary>
public sealed partial class ReminderActionsToErp
{
    /// <summary>Who did what Relance saw happen by itself (a payment keeping a promise, an instalment's deadline passing).</summary>
    public const string System = "system";

    Task ForwardHumanLoop(IEvent e, IDocumentOperations operations, CancellationToken cancellation) => e.Data switch
    {
        CallLogged logged => ForwardCall(e, logged, operations, cancellation),
        PaymentPromised or PaymentPromiseKept or PaymentPromiseBroken => ForwardPromise(e, operations, cancellation),
        PaymentPlanAgreed or InstalmentPaid or PaymentPlanBroken or PaymentPlanCompleted => ForwardPaymentPlan(e, operations, cancellation),
        // The ERP knows the disputes it sent itself.
        InvoiceDisputed { By: not "erp" } or InvoiceDisputeClosed { By: not "erp" } => ForwardDispute(e, operations, cancellation),
        CaseWrittenOff writtenOff => ForwardWriteOff(e, writtenOff, operations, cancellation),
        _ => Task.CompletedTask,
    };

    async Task ForwardCall(IEvent e, CallLogged logged, IDocumentOperations operations, CancellationToken cancellation)
    {
        var (before, _) = await Before(operations, e, cancellation);
        var call = logged.CallId is { } callId ? before.Calls.Find(c => c.CallId == callId) : null;
        // The planned call's invoices, with what is owed on them now; a call not planned was about the whole case.
        var invoices = call is not null
            ? call.Invoices.Select(i => new ErpRemindedInvoice(i.InvoiceNumber, before.OpenInvoices.Find(o => o.InvoiceNumber == i.InvoiceNumber)?.Outstanding ?? i.Outstanding, before.Currency))
            : before.OpenInvoices.Select(i => new ErpRemindedInvoice(i.InvoiceNumber, i.Outstanding, before.Currency));
        await bus.PublishToErps(new ErpCallLogged(
            before.CompanyId, before.Customer.CustomerId, before.Id, logged.CallLogId, logged.CallId, call?.Step, logged.Outcome,
            logged.ContactName, logged.Notes, logged.NextStep, logged.CallBackAt, [.. invoices], logged.By, logged.At), send => send.StampFrom(e), cancellation);
    }

    async Task ForwardPromise(IEvent e, IDocumentOperations operations, CancellationToken cancellation)
    {
        var (before, history) = await Before(operations, e, cancellation);
        var promiseId = e.Data switch
        {
            PaymentPromised p => p.PromiseId,
            PaymentPromiseKept k => k.PromiseId,
            PaymentPromiseBroken b => b.PromiseId,
            _ => throw new InvalidOperationException(),
        };
        var promised = history.Select(h => h.Data).OfType<PaymentPromised>().First(p => p.PromiseId == promiseId);
        var (status, paid, reason, by, at) = e.Data switch
        {
            PaymentPromiseKept k => (ErpPaymentPromiseChanged.Kept, (decimal?)k.Paid, (string?)null, System, k.At),
            PaymentPromiseBroken b => (ErpPaymentPromiseChanged.Broken, b.Paid, b.Reason, System, b.At),
            _ => (ErpPaymentPromiseChanged.Made, null, null, promised.By, promised.At),
        };
        await bus.PublishToErps(new ErpPaymentPromiseChanged(
            before.CompanyId, before.Customer.CustomerId, before.Id, promiseId, status, promised.Amount, before.Currency, promised.PromisedFor, paid,
            Arranged(promised.Invoices, before.Currency), promised.Notes, reason, by, at), send => send.StampFrom(e), cancellation);
    }

    async Task ForwardPaymentPlan(IEvent e, IDocumentOperations operations, CancellationToken cancellation)
    {
        var (before, history) = await Before(operations, e, cancellation);
        var planId = e.Data switch
        {
            PaymentPlanAgreed a => a.PaymentPlanId,
            InstalmentPaid p => p.PaymentPlanId,
            PaymentPlanBroken b => b.PaymentPlanId,
            PaymentPlanCompleted c => c.PaymentPlanId,
            _ => throw new InvalidOperationException(),
        };
        var agreed = history.Select(h => h.Data).OfType<PaymentPlanAgreed>().First(a => a.PaymentPlanId == planId);
        var (status, paidToDate, instalment, dueToDate, reason, by, at) = e.Data switch
        {
            InstalmentPaid p => (ErpPaymentPlanChanged.InstalmentPaid, p.PaidToDate, (int?)p.Number, (decimal?)null, (string?)null, System, p.At),
            PaymentPlanBroken b => (ErpPaymentPlanChanged.Broken, b.PaidToDate, b.MissedInstalment, b.DueToDate, b.Reason, System, b.At),
            PaymentPlanCompleted c => (ErpPaymentPlanChanged.Completed, c.Paid, null, null, null, System, c.At),
            _ => (ErpPaymentPlanChanged.Agreed, 0m, null, null, agreed.Reason, agreed.By, agreed.At),
        };
        await bus.PublishToErps(new ErpPaymentPlanChanged(
            before.CompanyId, before.Customer.CustomerId, before.Id, planId, status, before.Currency,
            [.. agreed.Instalments.Select(i => new ErpInstalment(i.Number, i.DueDate, i.Amount))], Arranged(agreed.Invoices, before.Currency),
            paidToDate, instalment, dueToDate, reason, by, at), send => send.StampFrom(e), cancellation);
    }

    /// <summary>
    /// One message per decision on a dispute: a person's decision records one event per invoice, appended together
    /// (same dispute, same time, same person); the first of them tells them all, under its id, and the others nothing.
    /// </summary>
    async Task ForwardDispute(IEvent e, IDocumentOperations operations, CancellationToken cancellation)
    {
        var (before, history) = await Before(operations, e, cancellation);
        var position = history.FindIndex(h => h.Id == e.Id);
        if (position > 0 && SameDecision(history[position - 1].Data, e.Data)) return;
        var decision = history.Skip(position).TakeWhile(h => SameDecision(h.Data, e.Data)).Select(h => h.Data).ToList();
        var numbers = decision.Select(d => d switch { InvoiceDisputed o => o.InvoiceNumber, InvoiceDisputeClosed c => c.InvoiceNumber, _ => "" }).ToList();
        var invoices = numbers.Select(n => new ErpRemindedInvoice(n, before.OpenInvoices.Find(i => i.InvoiceNumber == n)?.Outstanding ?? 0, before.Currency)).ToList();

        ErpDisputeChanged message = e.Data switch
        {
            InvoiceDisputed opened => new(before.CompanyId, before.Customer.CustomerId, before.Id, opened.DisputeId, ErpDisputeChanged.Opened,
                opened.Category, null, CommentOf(opened.Reason, opened.Category), invoices, null, opened.By, opened.RecordedAt),
            InvoiceDisputeClosed closed => new(before.CompanyId, before.Customer.CustomerId, before.Id, closed.DisputeId, ErpDisputeChanged.Resolved,
                // The kind a person gave it when opening it; none for a dispute the ERP opened.
                history.Select(h => h.Data).OfType<InvoiceDisputed>().FirstOrDefault(d => d.DisputeId == closed.DisputeId)?.Category,
                closed.Outcome, CommentOf(closed.Resolution, closed.Outcome), invoices, closed.AwaitCorrectionUntil, closed.By, closed.RecordedAt),
            _ => throw new InvalidOperationException(),
        };
        await bus.PublishToErps(message, send => send.StampFrom(e), cancellation);
    }

    static bool SameDecision(object candidate, object data) => (candidate, data) switch
    {
        (InvoiceDisputed a, InvoiceDisputed b) => a.DisputeId == b.DisputeId && a.RecordedAt == b.RecordedAt && a.By == b.By,
        (InvoiceDisputeClosed a, InvoiceDisputeClosed b) => a.DisputeId == b.DisputeId && a.RecordedAt == b.RecordedAt && a.By == b.By,
        _ => false,
    };

    // The people's events write "category: comment" (or "resolution: comment"): the comment alone.
    static string? CommentOf(string text, string? kind) =>
        kind is null ? text
        : text.StartsWith($"{kind}: ", StringComparison.Ordinal) ? text[(kind.Length + 2)..]
        : text == kind ? null : text;

    async Task ForwardWriteOff(IEvent e, CaseWrittenOff writtenOff, IDocumentOperations operations, CancellationToken cancellation)
    {
        var (before, _) = await Before(operations, e, cancellation);
        await bus.PublishToErps(new ErpCaseWrittenOff(
            before.CompanyId, before.Customer.CustomerId, before.Id,
            [.. writtenOff.Invoices.Select(i => new ErpRemindedInvoice(i.InvoiceNumber, i.Outstanding, before.Currency))],
            writtenOff.Total, before.Currency, writtenOff.Reason, writtenOff.By, writtenOff.At), send => send.StampFrom(e), cancellation);
    }

    static List<ErpRemindedInvoice> Arranged(IEnumerable<ArrangedInvoice> invoices, string currency) =>
        [.. invoices.Select(i => new ErpRemindedInvoice(i.InvoiceNumber, i.OutstandingWhenAgreed, currency))];

    /// <summary>The case as it was just before the event (what a call was about, what an invoice owed), and its whole history.</summary>
    static async Task<(DunningCase Before, List<IEvent> History)> Before(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        var history = (await operations.Events.FetchStreamAsync(e.StreamKey!, token: cancellation)).ToList();
        var before = history.TakeWhile(h => h.Version < e.Version).Aggregate((DunningCase?)null, (state, h) => DunningCaseEvolution.Evolve(state, h.Data))
            ?? throw new InvalidOperationException($"stream {e.StreamKey} has no case before its event {e.Version}");
        return (before, history);
    }
}
