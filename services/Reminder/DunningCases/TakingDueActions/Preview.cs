using Marten;
using Relance.ReminderService.LatePayment;

namespace Relance.ReminderService.DunningCases.TakingDueActions;

/// <summary>
/// What a run would do at a given moment, decided exactly as the run decides but appended nowhere: the
/// scheduler takes its due cases and its decisions from here, so the preview and the run cannot disagree.
/// </summary>
public static class Preview
{
    public static async Task<IReadOnlyList<CaseDecision>> DecideDueAsync(
        IDocumentStore store, DateTimeOffset at, LatePaymentLaw law, int limit, IReadOnlySet<string>? exclude, CancellationToken cancellation,
        string? companyId = null)
    {
        await using var query = store.QuerySession();
        var cases = await Due(query, at, exclude, companyId).Take(limit).ToListAsync(cancellation);
        return [.. cases.Select(c => Decide(c, at, law))];
    }

    /// <summary>The ids of the cases due at <paramref name="at"/>, in the order a run takes them: the run loads each case once, where it appends.</summary>
    public static async Task<IReadOnlyList<string>> DueCaseIdsAsync(
        IDocumentStore store, DateTimeOffset at, int limit, IReadOnlySet<string>? exclude, CancellationToken cancellation)
    {
        await using var query = store.QuerySession();
        return await Due(query, at, exclude, null).Take(limit).Select(c => c.Id).ToListAsync(cancellation);
    }

    static IQueryable<DunningCase> Due(IQuerySession query, DateTimeOffset at, IReadOnlySet<string>? exclude, string? companyId)
    {
        var due = query.Query<DunningCase>().Where(c => c.NextActionAt != null && c.NextActionAt <= at);
        if (companyId is not null) due = due.Where(c => c.CompanyId == companyId);
        var excluded = exclude?.ToArray() ?? [];
        if (excluded.Length > 0) due = due.Where(c => !c.Id.IsOneOf(excluded));
        return due.OrderBy(c => c.NextActionAt);
    }

    /// <summary>What one case does at <paramref name="at"/>: the one decision the preview shows and the run appends.</summary>
    public static CaseDecision Decide(DunningCase dunningCase, DateTimeOffset at, LatePaymentLaw law)
    {
        try
        {
            return new CaseDecision(dunningCase.Id, dunningCase.Version, DunningCaseDecider.Decide(new TakeDueActions(Guid.NewGuid(), at), dunningCase, law));
        }
        catch (Exception e) when (e is LegalFigureMissingException or InvalidOperationException or ArgumentException)
        {
            return new CaseDecision(dunningCase.Id, dunningCase.Version, [], e);
        }
    }
}
