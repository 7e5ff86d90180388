using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;
using Relance.ServiceDefaults.Audit.PersonalData;

namespace Relance.ServiceDefaults.Audit.Sealing;

/// <summary>
/// Seals every event of the service, in order, as the async daemon pages through them: one row per event in
/// relance.audit_event_seals, chained per stream (<see cref="SealHash"/>). It reads each page's rows as PostgreSQL
/// stores them (not Marten's deserialized events), so that what is sealed is exactly what a later verify reads.
/// At least once: a page done again after a crash inserts nothing twice (ON CONFLICT DO NOTHING) and takes each
/// previous hash from the table. An event committed after the daemon went past its sequence number is sealed at the
/// next page (<see cref="SealGaps"/>); Marten's tombstones are not sealed (<see cref="SealSchema.TombstoneStream"/>).
/// What the chain proves, and what not: an event changed, removed or slipped in among sealed ones is seen by
/// <c>relance audit verify</c>. An event appended in SQL after the last one sealed is sealed like any other; and whoever
/// can write both tables can recompute the whole chain: keep the store head that verify prints somewhere else (a
/// ticket, an email, a notary) and compare it later (<c>--expect-head</c>).
/// </summary>
public sealed class AuditSealer(IConfiguration configuration) : SubscriptionBase
{
    public const string SubscriptionName = "audit-seal";

    readonly string _connectionString = configuration.GetConnectionString("Marten")
        ?? throw new InvalidOperationException("ConnectionStrings:Marten is not set: the audit sealer has no database.");
    readonly TimeSpan _gapWindow = configuration.GetValue(SealGaps.WindowKey, SealGaps.DefaultWindow);
    bool _schemaReady;

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellation);
        if (!_schemaReady)
        {
            await SealSchema.EnsureAsync(connection, cancellation);
            _schemaReady = true;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        // Before reading: an erasure masking these events waits, or is committed and its masks are what is read.
        await SealLock.TakeAsync(connection, transaction, cancellation);
        await SealGaps.ForgetOlderThanAsync(connection, _gapWindow, cancellation);
        var read = await ReadAsync(connection, page.SequenceFloor, page.SequenceCeiling, cancellation);
        var missing = SealGaps.Missing(page.SequenceFloor, page.SequenceCeiling,
            read.Where(e => e.Sequence > page.SequenceFloor).Select(e => e.Sequence));
        // The rows committed late where a page found a gap come first (sequence order), so that a later event of their stream links to them.
        var events = read.Where(e => e.StreamId != SealSchema.TombstoneStream).ToList();
        if (events.Count > 0)
        {
            var rules = PersonalDataRules.Current;
            var keys = await StreamKeys.GetOrCreateAsync(connection, [.. events.Select(e => e.StreamId).Distinct()], cancellation);
            var known = await SealsAsync(connection, events, cancellation);
            var seals = new List<(StoredEvent Event, string? Previous, string Hash)>();
            foreach (var e in events)
            {
                if (known.ContainsKey((e.StreamId, e.Version))) continue;
                var previous = known.GetValueOrDefault((e.StreamId, e.Version - 1));
                // Problems (a value in clear after an erasure…) are verify's to report; the seal is of what is stored.
                var hash = SealHash.Compute(previous, e, rules, keys[e.StreamId], []);
                known[(e.StreamId, e.Version)] = hash;
                seals.Add((e, previous, hash));
            }
            await InsertAsync(connection, seals, rules.Version, cancellation);
        }
        await SealGaps.UpdateAsync(connection, missing, [.. read.Select(e => e.Sequence)], cancellation);
        await transaction.CommitAsync(cancellation);
        return NullChangeListener.Instance;
    }

    /// <summary>The page's rows and those committed since at a gap an earlier page found, in sequence order, in one snapshot.</summary>
    static async Task<List<StoredEvent>> ReadAsync(NpgsqlConnection connection, long floor, long ceiling, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT {StoredEvent.Columns} FROM relance.mt_events e
            WHERE (e.seq_id > $1 AND e.seq_id <= $2) OR e.seq_id IN (SELECT g.seq_id FROM {SealGaps.Table} g WHERE g.seq_id <= $1)
            ORDER BY e.seq_id
            """, connection)
        {
            Parameters = { new() { Value = floor }, new() { Value = ceiling } },
        };
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) events.Add(StoredEvent.Read(reader));
        return events;
    }

    /// <summary>The seals already there from just before each stream's first event of the page: the previous hashes, and the page's own when done again.</summary>
    static async Task<Dictionary<(string, long), string>> SealsAsync(NpgsqlConnection connection, List<StoredEvent> events, CancellationToken cancellation)
    {
        var from = events.GroupBy(e => e.StreamId).Select(g => (Stream: g.Key, Version: g.Min(e => e.Version) - 1)).ToList();
        await using var command = new NpgsqlCommand(
            """
            SELECT s.stream_id, s.version, s.hash FROM relance.audit_event_seals s
            JOIN unnest($1::text[], $2::bigint[]) AS p(stream_id, from_version) ON p.stream_id = s.stream_id AND s.version >= p.from_version
            """, connection)
        {
            Parameters = { new() { Value = from.Select(f => f.Stream).ToArray() }, new() { Value = from.Select(f => f.Version).ToArray() } },
        };
        var seals = new Dictionary<(string, long), string>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) seals[(reader.GetString(0), reader.GetInt64(1))] = reader.GetString(2);
        return seals;
    }

    static async Task InsertAsync(NpgsqlConnection connection, List<(StoredEvent Event, string? Previous, string Hash)> seals, int rules, CancellationToken cancellation)
    {
        if (seals.Count == 0) return;
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO relance.audit_event_seals (seq_id, stream_id, version, previous_hash, hash, sealed_at, rules)
            SELECT seq_id, stream_id, version, previous_hash, hash, now(), $6
            FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS s(seq_id, stream_id, version, previous_hash, hash)
            ON CONFLICT DO NOTHING
            """, connection)
        {
            Parameters =
            {
                new() { Value = seals.Select(s => s.Event.Sequence).ToArray() },
                new() { Value = seals.Select(s => s.Event.StreamId).ToArray() },
                new() { Value = seals.Select(s => s.Event.Version).ToArray() },
                new() { Value = seals.Select(s => s.Previous).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = seals.Select(s => s.Hash).ToArray() },
                new() { Value = rules },
            },
        };
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
