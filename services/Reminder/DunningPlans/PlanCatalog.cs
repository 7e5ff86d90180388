using System.Text.Json;
using System.Text.Json.Serialization;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningPlans;

/// <summary>A new version of a plan, recorded whole: the plan's stream is its version history.</summary>
public sealed record DunningPlanPublished(DunningPlan Plan, string PublishedBy, string Reason, DateTimeOffset PublishedAt);

/// <summary>The newest version of each plan, kept with its events.</summary>
public sealed record PublishedPlan(string Id, DunningPlan Plan, DateTimeOffset PublishedAt)
{
    public string CompanyId => Plan.CompanyId;
    public static string StreamKey(string planId) => $"plan:{planId}";
}

public sealed class PublishedPlanProjection : SingleStreamProjection<PublishedPlan, string>
{
    public override PublishedPlan? Evolve(PublishedPlan? snapshot, string id, IEvent e) =>
        e.Data is DunningPlanPublished published ? new PublishedPlan(published.Plan.Id, published.Plan, published.PublishedAt) : snapshot;
}

/// <summary>
/// Which plan a customer's case follows: the plan named for the customer, else the company's plan for the
/// customer's segment, else the company's default plan, else the same for any company ("*").
/// Plans are read from the store, cached for a few seconds (they change rarely).
/// </summary>
public sealed class PlanCatalog(IDocumentStore store, TimeProvider clock)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    IReadOnlyList<DunningPlan>? _cached;
    DateTimeOffset _cachedAt;

    public void Forget() => _cached = null;

    public async Task<IReadOnlyList<DunningPlan>> AllAsync(CancellationToken cancellation)
    {
        if (_cached is { } cached && clock.GetUtcNow() - _cachedAt < CacheFor) return cached;
        await using var session = store.QuerySession();
        var plans = (await session.Query<PublishedPlan>().ToListAsync(cancellation)).Select(p => p.Plan).ToList();
        (_cached, _cachedAt) = (plans, clock.GetUtcNow());
        return plans;
    }

    public async Task<(DunningPlan Plan, string Why)> PlanFor(IQuerySession session, string companyId, string customerId, CancellationToken cancellation) =>
        await PlanFor(companyId, await session.LoadAsync<CustomerProfile>(CustomerProfile.Key(companyId, customerId), cancellation), cancellation);

    /// <summary>The plan for a customer as the ERP described it (none: its company's default).</summary>
    public async Task<(DunningPlan Plan, string Why)> PlanFor(string companyId, CustomerProfile? profile, CancellationToken cancellation) =>
        Choose(await AllAsync(cancellation), companyId, profile?.PlanKey, profile?.Segment);

    public static (DunningPlan Plan, string Why) Choose(IReadOnlyList<DunningPlan> plans, string companyId, string? customerPlanKey, string? segment)
    {
        foreach (var company in new[] { companyId, DunningPlan.AnyCompany })
        {
            var ofCompany = plans.Where(p => p.CompanyId == company).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
            if (customerPlanKey is not null && ofCompany.Find(p => p.Key == customerPlanKey) is { } own)
                return (own, $"the customer's own plan {own.Id} v{own.Version}");
            if (segment is not null && ofCompany.Find(p => p.Segments.Contains(segment)) is { } bySegment)
                return (bySegment, $"plan {bySegment.Id} v{bySegment.Version} for segment '{segment}'");
            if (ofCompany.Find(p => p.Segments.IsEmpty) is { } byDefault)
                return (byDefault, $"{(company == DunningPlan.AnyCompany ? "the default plan" : "the company's plan")} {byDefault.Id} v{byDefault.Version}");
        }
        throw new InvalidOperationException($"no dunning plan applies to company {companyId}: publish one, or a default plan for company '*' (Dunning:PlansDirectory)");
    }

    /// <summary>Publishes the plan as a new version unless it equals the newest one. Returns the version in force.</summary>
    public async Task<(DunningPlan Plan, bool Published)> PublishAsync(DunningPlan plan, string by, string reason, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        session.Attribute(by, null, null);
        var stream = await session.Events.FetchForWriting<PublishedPlan>(PublishedPlan.StreamKey(plan.Id), cancellation);
        var current = stream.Aggregate?.Plan;
        if (current is not null && Same(current, plan with { Version = current.Version })) return (current, false);
        var published = plan with { Version = (current?.Version ?? 0) + 1 };
        stream.AppendOne(new DunningPlanPublished(published, by, reason, clock.GetUtcNow()));
        await session.SaveChangesAsync(cancellation);
        Forget();
        return (published, true);
    }

    static bool Same(DunningPlan a, DunningPlan b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json);
}
