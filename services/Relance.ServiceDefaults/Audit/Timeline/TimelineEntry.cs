using System.Text.Json;

namespace Relance.ServiceDefaults.Audit.Timeline;

/// <summary>
/// One event of an audit timeline: when it happened (<paramref name="At"/>: the moment the event states, by the clock
/// of the service that recorded it, else when it was stored), by which service, in which stream, who did
/// it (<paramref name="Actor"/>: user:…, erp:…, system:…), why, on which channel, about which invoices, what it proves
/// (content hashes, tracking numbers, provider ids, acknowledgment dates…), its seal when the stream is sealed, and the
/// event itself. Bytes kept elsewhere (a letter's PDF, an email's MIME, a scanned card) are left out of
/// <paramref name="Data"/>; their SHA-256 is among the <paramref name="Proofs"/>.
/// </summary>
public sealed record TimelineEntry(
    DateTimeOffset At,
    string Service,
    string Stream,
    long Version,
    long Sequence,
    string Type,
    string? Actor,
    string? CorrelationId,
    string? CausationId,
    string Summary,
    string? Reason,
    string? Channel,
    IReadOnlyList<string> Invoices,
    IReadOnlyDictionary<string, string> Proofs,
    string? SealHash,
    JsonElement Data);
