using System.Collections.Concurrent;
using System.Text.Json;
using Npgsql;

namespace Relance.ServiceDefaults.Audit.Timeline;

/// <summary>
/// Reads events straight from a service's relance.mt_events, by stream key, in one query per store: no Marten
/// session, no deserialization into the services' records (the timeline reads the JSON as stored, erased values included).
/// </summary>
public static class StoredEvents
{
    /// <summary>The events of the given streams, in store order, that happened at or before <paramref name="until"/> (<see cref="StoredEvent.At"/>).</summary>
    public static Task<List<StoredEvent>> OfStreamsAsync(AuditStore store, IReadOnlyCollection<string> streams, DateTimeOffset? until, CancellationToken cancellation) =>
        streams.Count == 0
            ? Task.FromResult(new List<StoredEvent>())
            : ReadAsync(store, "e.stream_id = ANY($1)", streams.ToArray(), until, cancellation);

    /// <summary>The events of the streams whose key is <paramref name="prefix"/> followed by one more segment (no further '/').</summary>
    public static Task<List<StoredEvent>> OfStreamsStartingWithAsync(AuditStore store, string prefix, DateTimeOffset? until, CancellationToken cancellation) =>
        ReadAsync(store,
            "e.stream_id IN (SELECT s.id FROM relance.mt_streams s WHERE starts_with(s.id, $1) AND strpos(substr(s.id, length($1) + 1), '/') = 0)",
            prefix, until, cancellation);

    // What the timeline leaves out of an event's data: bytes kept whole elsewhere (a letter's PDF, an email's MIME, a scanned
    // card, an invoice's document sent by content), whose SHA-256 the event also carries. The rest is as stored.
    const string Data = """
        CASE e.type
          WHEN 'correspondence_rendered' THEN e.data - 'Pdf' - 'Mime'
          WHEN 'letter_receipt_acknowledged' THEN e.data #- '{Card,Content}'
          WHEN 'acknowledgment_card_archived' THEN e.data #- '{Card,Content}'
          WHEN 'invoice_issued' THEN CASE WHEN jsonb_typeof(e.data -> 'Documents') = 'array'
            THEN jsonb_set(e.data, '{Documents}', (SELECT coalesce(jsonb_agg(d.doc - 'ContentBase64' ORDER BY d.n), '[]'::jsonb)
                                                  FROM jsonb_array_elements(e.data -> 'Documents') WITH ORDINALITY AS d(doc, n)))
            ELSE e.data END
          ELSE e.data END::text
        """;

    // The seal table is helper-built (audit sealing) and may be absent; once seen, it stays.
    static readonly ConcurrentDictionary<string, bool> SealedStores = new();

    static async Task<List<StoredEvent>> ReadAsync(AuditStore store, string where, object key, DateTimeOffset? until, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync(cancellation);
        var sealed_ = await HasSealsAsync(connection, store.ConnectionString, cancellation);
        var sql = $"""
            SELECT e.seq_id, e.stream_id, e.version, e.type, e.timestamp, e.user_name, e.correlation_id, e.causation_id,
                   {(sealed_ ? "s.hash" : "NULL::text")}, {Data}
            FROM relance.mt_events e {(sealed_ ? "LEFT JOIN relance.audit_event_seals s ON s.seq_id = e.seq_id" : "")}
            WHERE {where}
            ORDER BY e.seq_id
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            using var json = JsonDocument.Parse(reader.GetString(9));
            var data = json.RootElement.Clone();
            // Filtered here, not in SQL: an event's moment is the one it states, when it states one.
            var storedAt = reader.GetFieldValue<DateTimeOffset>(4);
            var at = EventFields.Moment(data) ?? storedAt;
            if (at > until) continue;
            events.Add(new StoredEvent(
                store.Service,
                reader.GetString(1),
                reader.GetInt64(2),
                reader.GetInt64(0),
                reader.GetString(3),
                at,
                storedAt,
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                data));
        }
        return events;
    }

    static async Task<bool> HasSealsAsync(NpgsqlConnection connection, string connectionString, CancellationToken cancellation)
    {
        if (SealedStores.ContainsKey(connectionString)) return true;
        await using var command = new NpgsqlCommand("SELECT to_regclass('relance.audit_event_seals') IS NOT NULL", connection);
        if (await command.ExecuteScalarAsync(cancellation) is not true) return false;
        SealedStores[connectionString] = true;
        return true;
    }
}
