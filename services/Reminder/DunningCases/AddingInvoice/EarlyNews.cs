using System.Collections.Immutable;
using Marten;
using Relance.ReminderService.DunningCases.ChangingBalance;
using Relance.ReminderService.DunningCases.Disputing;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.AddingInvoice;

/// <summary>
/// What was heard of an invoice before its case knew it (its registration delayed by retries, or replayed
/// from an error queue): its latest balance and its disputes, applied when it joins, so nothing is lost.
/// </summary>
public sealed record InvoiceNewsBeforeJoining(string Id, DateTimeOffset HeardAt)
{
    public decimal? Outstanding { get; init; }
    public DateOnly? DueDate { get; init; }
    public string? BalanceReason { get; init; }
    public ImmutableList<EarlyDispute> Disputes { get; init; } = [];

    public static string Key(string caseId, string invoiceNumber) => $"{caseId}/{invoiceNumber}";
}

/// <param name="Open">Whether the last word on it was its opening (true) or its closing.</param>
public sealed record EarlyDispute(string DisputeId, bool Open, string ReasonOrResolution);

public static class EarlyNews
{
    /// <summary>Keeps the news when the case does not know the invoice yet; false when it does (decide as usual).</summary>
    public static async Task<bool> KeptIfUnknownAsync(
        IDocumentSession session, string caseId, string invoiceNumber, DateTimeOffset now, Func<InvoiceNewsBeforeJoining, InvoiceNewsBeforeJoining> add, CancellationToken cancellation)
    {
        if (await KnowsAsync(session, caseId, invoiceNumber, cancellation)) return false;
        var key = InvoiceNewsBeforeJoining.Key(caseId, invoiceNumber);
        var news = await session.LoadAsync<InvoiceNewsBeforeJoining>(key, cancellation) ?? new InvoiceNewsBeforeJoining(key, now);
        session.Store(add(news));
        await session.SaveChangesAsync(cancellation);
        return true;
    }

    /// <summary>Whether the case has heard of the invoice (it stays known after it leaves).</summary>
    public static async Task<bool> KnowsAsync(IQuerySession session, string caseId, string invoiceNumber, CancellationToken cancellation) =>
        await session.LoadAsync<DunningCase>(caseId, cancellation) is { } found && found.KnownInvoices.Contains(invoiceNumber);

    /// <summary>Applies what was heard of the invoice before it joined its case, then forgets it. Safe to repeat.</summary>
    public static async Task ApplyAsync(IDocumentSession session, string caseId, string invoiceNumber, DateTimeOffset now, CancellationToken cancellation)
    {
        var key = InvoiceNewsBeforeJoining.Key(caseId, invoiceNumber);
        if (await session.LoadAsync<InvoiceNewsBeforeJoining>(key, cancellation) is not { } news) return;
        if (news is { Outstanding: { } outstanding, DueDate: { } dueDate })
            await session.DecideAsync<DunningCase>(caseId, state => DunningCaseDecider.Decide(
                new ChangeInvoiceBalance(caseId, invoiceNumber, outstanding, dueDate, news.BalanceReason ?? "balance", now), state), cancellation);
        foreach (var dispute in news.Disputes.Where(d => d.Open))
            await session.DecideAsync<DunningCase>(caseId, state => DunningCaseDecider.Decide(
                new RecordDispute(caseId, invoiceNumber, dispute.DisputeId, Opened: true, dispute.ReasonOrResolution, now), state), cancellation);
        session.Delete<InvoiceNewsBeforeJoining>(key);
        await session.SaveChangesAsync(cancellation);
    }
}
