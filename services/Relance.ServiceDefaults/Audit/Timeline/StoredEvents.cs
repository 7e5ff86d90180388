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

    // The stores known to have the seal table (relance.audit_event_seals).
    static readonly ConcurrentDictionary<string, bool> SealedStores = new();

    static async Task<List<StoredEvent>> ReadAsync(AuditStore store, string where, object key, DateTimeOffset? until, CancellationToken cancellation)
    {
        if (store.Connection is { } given) return await ReadOnAsync(store, given, where, key, until, cancellation);
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync(cancellation);
        return await ReadOnAsync(store, connection, where, key, until, cancellation);
    }

    static async Task<List<StoredEvent>> ReadOnAsync(AuditStore store, NpgsqlConnection connection, string where, object key, DateTimeOffset? until, CancellationToken cancellation)
    {
        if (SealedStores.ContainsKey(store.ConnectionString))
            return await ReadAsync(store, connection, Query(where, sealed_: true), key, until, check: false, cancellation);
        // Not known sealed: whether it is now goes in the same round trip as the events.
        var events = await ReadAsync(store, connection, Query(where, sealed_: false), key, until, check: true, cancellation);
        return SealedStores.ContainsKey(store.ConnectionString)
            ? await ReadAsync(store, connection, Query(where, sealed_: true), key, until, check: false, cancellation)
            : events;
    }

    static string Query(string where, bool sealed_) => $"""
        SELECT e.seq_id, e.stream_id, e.version, e.type, e.timestamp, e.user_name, e.correlation_id, e.causation_id,
               {(sealed_ ? "s.hash" : "NULL::text")}, {Data}
        FROM relance.mt_events e {(sealed_ ? "LEFT JOIN relance.audit_event_seals s ON s.seq_id = e.seq_id" : "")}
        WHERE {where}
        ORDER BY e.seq_id
        """;

    static async Task<List<StoredEvent>> ReadAsync(
        AuditStore store, NpgsqlConnection connection, string sql, object key, DateTimeOffset? until, bool check, CancellationToken cancellation)
    {
        await using var batch = new NpgsqlBatch(connection);
        // The seal table is built by the audit sealing and may be absent; once seen, it stays.
        if (check) batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT to_regclass('relance.audit_event_seals') IS NOT NULL"));
        var query = new NpgsqlBatchCommand(sql);
        query.Parameters.Add(new NpgsqlParameter { Value = key });
        batch.BatchCommands.Add(query);
        var events = new List<StoredEvent>();
        await using var reader = await batch.ExecuteReaderAsync(cancellation);
        if (check)
        {
            if (await reader.ReadAsync(cancellation) && reader.GetBoolean(0)) SealedStores[store.ConnectionString] = true;
            await reader.NextResultAsync(cancellation);
        }
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
}
