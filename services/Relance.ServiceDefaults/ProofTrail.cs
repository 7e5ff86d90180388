using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Relance.ServiceDefaults;

/// <summary>A stream as auditors read it: every event with its time, actor, correlation and cause.</summary>
public static class ProofTrail
{
    public static async Task<IResult> Of(IQuerySession session, string streamKey, CancellationToken cancellation)
    {
        var events = await session.Events.FetchStreamAsync(streamKey, token: cancellation);
        return events.Count == 0 ? Results.NotFound() : Results.Ok(events.Select(Describe));
    }

    /// <summary>One event of the trail; <paramref name="Actor"/> is who did it (<c>user:…</c>, <c>erp:…</c>, <c>system:…</c>).</summary>
    public sealed record Entry(long Version, long Sequence, DateTimeOffset Timestamp, string Type, string? Actor, string? CorrelationId, string? CausationId, object Data);

    static Entry Describe(IEvent e) => new(e.Version, e.Sequence, e.Timestamp, e.EventTypeName, e.UserName, e.CorrelationId, e.CausationId, e.Data);
}
