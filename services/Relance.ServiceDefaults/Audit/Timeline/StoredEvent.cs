using System.Text.Json;

namespace Relance.ServiceDefaults.Audit.Timeline;

/// <summary>An event as a service's mt_events row holds it, before it is described for the timeline.</summary>
public sealed record StoredEvent(
    string Service,
    string Stream,
    long Version,
    long Sequence,
    string Type,
    DateTimeOffset At,
    string? Actor,
    string? CorrelationId,
    string? CausationId,
    string? SealHash,
    JsonElement Data);
