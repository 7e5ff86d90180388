using System.Text.Json;

namespace Relance.ServiceDefaults.Audit.Timeline;

/// <summary>
/// An event as a service's mt_events row holds it, before it is described for the timeline. <paramref name="At"/> is
/// when it happened by its service's clock (<see cref="EventFields.Moment"/>), else when it was stored;
/// <paramref name="StoredAt"/> is when its row was written (the database server's clock, shared by the three stores).
/// </summary>
public sealed record StoredEvent(
    string Service,
    string Stream,
    long Version,
    long Sequence,
    string Type,
    DateTimeOffset At,
    DateTimeOffset StoredAt,
    string? Actor,
    string? CorrelationId,
    string? CausationId,
    string? SealHash,
    JsonElement Data);
