using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Relance.ServiceDefaults.Audit.PersonalData;
using Relance.ServiceDefaults.Audit.Sealing;

namespace Relance.ServiceDefaults.Audit.Verifying;

/// <summary>What a verify found wrong with one event (or one missing).</summary>
public static class SealProblemKinds
{
    /// <summary>The event differs from what was sealed, or a seal's link to the one before was altered.</summary>
    public const string Modified = "MODIFIED";
    /// <summary>A sealed event is gone, or versions of a stream are missing.</summary>
    public const string Deleted = "DELETED";
    /// <summary>An event the sealer went past without sealing it, or an event in the place of the one sealed there.</summary>
    public const string Inserted = "INSERTED";
    /// <summary>An erasure mask altered, or a personal value in clear in a stream whose key was erased.</summary>
    public const string Mask = "MASK";
}

public sealed record SealProblem(string Kind, string Stream, long Version, long? Sequence, string Detail);

/// <summary>The last seal of a stream: its version and hash.</summary>
public sealed record StreamHead(string Stream, long Version, string Hash);

/// <param name="SealedThrough">The sealer's progress: every event at or below this sequence should have its seal.</param>
/// <param name="Head">SHA-256 of the lines "stream version hash\n" of every stream head, streams in byte order: the whole store in one hash.</param>
/// <param name="HeadAsOf">When asked for a past sequence: the same over the seals at or below it, to compare with a head kept then.</param>
public sealed record StoreVerification(
    string Service, bool Sealing, long EventsChecked, long Sealed, long NotYetSealed, long SealedThrough,
    IReadOnlyList<SealProblem> Problems, IReadOnlyList<StreamHead> Heads, string Head, (long Sequence, string Head)? HeadAsOf, TimeSpan Elapsed)
{
    public bool Clean => Problems.Count == 0;
}

/// <summary>
/// Checks a store's events against their seals in one ordered pass (events and seals joined by stream and version,
/// streamed, no round trip per event): each sealed event's hash recomputed from its stored row and the previous
/// seal, each seal's link to the previous one, each version present. Events beyond the sealer's progress are
/// counted, not judged: they are not sealed yet.
/// </summary>
public static class SealVerifier
{
    public static async Task<StoreVerification> VerifyAsync(
        string service, string connectionString, string? stream, long? headAsOf, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation);
        if (!await SealSchema.ExistsAsync(connection, cancellation))
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM relance.mt_events e{Filter("e", stream)}", connection);
            if (stream is not null) count.Parameters.Add(new() { Value = stream });
            var events = (long)(await count.ExecuteScalarAsync(cancellation))!;
            return new(service, false, events, 0, events, 0, [], [], EmptyHead, headAsOf is { } s ? (s, EmptyHead) : null, watch.Elapsed);
        }

        var sealedThrough = await SealedThroughAsync(connection, cancellation);
        var keys = await KeysAsync(connection, stream, cancellation);
        var gaps = await GapsAsync(connection, cancellation);
        var pass = new Pass(headAsOf);

        await using var command = new NpgsqlCommand(
            $"""
            SELECT {StoredEvent.Columns}, s.seq_id, s.stream_id, s.version, s.previous_hash, s.hash, s.rules
            FROM (SELECT * FROM relance.mt_events e{Filter("e", stream)}) e
            FULL OUTER JOIN (SELECT * FROM relance.audit_event_seals s{Filter("s", stream)}) s ON s.stream_id = e.stream_id AND s.version = e.version
            ORDER BY coalesce(e.stream_id, s.stream_id) COLLATE "C", coalesce(e.version, s.version)
            """, connection);
        if (stream is not null) command.Parameters.Add(new() { Value = stream });
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                var e = reader.IsDBNull(0) ? null : StoredEvent.Read(reader);
                const int s = StoredEvent.ColumnCount;
                var seal = reader.IsDBNull(s) ? null : new Seal(reader.GetInt64(s), reader.GetString(s + 1), reader.GetInt64(s + 2),
                    reader.IsDBNull(s + 3) ? null : reader.GetString(s + 3), reader.GetString(s + 4), reader.GetInt32(s + 5));
                pass.Check(e, seal, sealedThrough, keys, gaps);
            }
        }
        pass.EndStream();
        pass.Problems.AddRange(await DeletedTailsAsync(connection, stream, cancellation));
        return new(service, true, pass.EventsChecked, pass.Sealed, pass.NotYetSealed, sealedThrough, pass.Problems, pass.Heads,
            pass.Head(), headAsOf is { } asOf ? (asOf, pass.HeadAsOf()) : null, watch.Elapsed);
    }

    static readonly string EmptyHead = Convert.ToHexStringLower(SHA256.HashData([]));

    static string Filter(string alias, string? stream) =>
        $" WHERE {alias}.stream_id <> '{SealSchema.TombstoneStream}'" + (stream is null ? "" : $" AND {alias}.stream_id = $1");

    sealed record Seal(long Sequence, string StreamId, long Version, string? PreviousHash, string Hash, int Rules);

    /// <summary>The sealer's progress (its daemon position), else the last sequence sealed.</summary>
    static async Task<long> SealedThroughAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT greatest(
                coalesce((SELECT max(last_seq_id) FROM relance.mt_event_progression WHERE name LIKE '{AuditSealer.SubscriptionName}%'), 0),
                coalesce((SELECT max(seq_id) FROM relance.audit_event_seals), 0))
            """, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation));
    }

    /// <summary>The sequence numbers where the sealer found no event yet (<see cref="SealGaps"/>): an event there is sealed at its next page.</summary>
    static async Task<HashSet<long>> GapsAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT g.seq_id FROM {SealGaps.Table} g", connection);
        var gaps = new HashSet<long>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) gaps.Add(reader.GetInt64(0));
        }
        // A store sealed before the table existed: no gap known.
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable) { }
        return gaps;
    }

    /// <summary>
    /// The last events of a stream removed with their seals leave each chain whole; but Marten keeps the stream's version in
    /// relance.mt_streams, and an event store never lowers it. Versions still sealed are the pass's to report; archived
    /// streams are left out, as Marten may move their events.
    /// </summary>
    static async Task<List<SealProblem>> DeletedTailsAsync(NpgsqlConnection connection, string? stream, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT st.id, st.version, greatest(
                (SELECT max(e.version) FROM relance.mt_events e WHERE e.stream_id = st.id),
                (SELECT max(s.version) FROM relance.audit_event_seals s WHERE s.stream_id = st.id)) AS last
            FROM relance.mt_streams st
            WHERE st.id <> '{SealSchema.TombstoneStream}' AND NOT coalesce(st.is_archived, false){(stream is null ? "" : " AND st.id = $1")}
            """, connection);
        if (stream is not null) command.Parameters.Add(new() { Value = stream });
        var problems = new List<SealProblem>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var (id, version, last) = (reader.GetString(0), reader.IsDBNull(1) ? 0 : reader.GetInt64(1), reader.IsDBNull(2) ? 0 : reader.GetInt64(2));
            if (last >= version) continue;
            problems.Add(new(SealProblemKinds.Deleted, id, last + 1, null, last == 0
                ? $"the stream is at version {version} but has no event left, events and seals"
                : $"the stream is at version {version} but its events end at {last}: {(version == last + 1 ? $"version {version} is" : $"versions {last + 1} to {version} are")} missing, events and seals"));
        }
        return problems;
    }

    static async Task<Dictionary<string, byte[]>> KeysAsync(NpgsqlConnection connection, string? stream, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"SELECT stream_id, key FROM relance.audit_stream_keys k{Filter("k", stream)}", connection);
        if (stream is not null) command.Parameters.Add(new() { Value = stream });
        var keys = new Dictionary<string, byte[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) keys[reader.GetString(0)] = reader.GetFieldValue<byte[]>(1);
        return keys;
    }

    /// <summary>The state of the ordered pass over (event, seal) rows: per stream, the previous row; overall, the counts and heads.</summary>
    sealed class Pass(long? headAsOf)
    {
        readonly IncrementalHash _head = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        readonly IncrementalHash _headAsOf = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string? _stream;
        long _lastVersion;
        Seal? _previousSeal;
        Seal? _lastSeal;
        Seal? _lastSealAsOf;

        public long EventsChecked, Sealed, NotYetSealed;
        public List<SealProblem> Problems { get; } = [];
        public List<StreamHead> Heads { get; } = [];

        public void Check(StoredEvent? e, Seal? seal, long sealedThrough, Dictionary<string, byte[]> keys, HashSet<long> gaps)
        {
            var stream = e?.StreamId ?? seal!.StreamId;
            var version = e?.Version ?? seal!.Version;
            if (stream != _stream)
            {
                EndStream();
                _stream = stream;
            }
            if (version > _lastVersion + 1)
                Problems.Add(new(SealProblemKinds.Deleted, stream, _lastVersion + 1, null,
                    version == _lastVersion + 2 ? $"version {_lastVersion + 1} is missing, event and seal" : $"versions {_lastVersion + 1} to {version - 1} are missing, events and seals"));
            _lastVersion = version;

            if (e is null)
                Problems.Add(new(SealProblemKinds.Deleted, stream, version, seal!.Sequence, $"the event sealed at sequence {seal.Sequence} is gone"));
            else if (seal is null)
            {
                EventsChecked++;
                // Committed late at a sequence number the sealer saw empty: sealed at its next page.
                if (e.Sequence <= sealedThrough && !gaps.Contains(e.Sequence))
                    Problems.Add(new(SealProblemKinds.Inserted, stream, version, e.Sequence,
                        $"an event ({e.Type}) with no seal, though the sealer is past its sequence ({sealedThrough})"));
                else NotYetSealed++;
            }
            else
            {
                EventsChecked++;
                Sealed++;
                if (seal.Sequence != e.Sequence)
                    Problems.Add(new(SealProblemKinds.Inserted, stream, version, e.Sequence,
                        $"an event ({e.Type}, sequence {e.Sequence}) in the place of the one sealed there (sequence {seal.Sequence})"));
                else
                {
                    var maskProblems = new List<string>();
                    var hash = SealHash.Compute(seal.PreviousHash, e, PersonalDataRules.Version(seal.Rules), keys.GetValueOrDefault(stream), maskProblems);
                    foreach (var problem in maskProblems) Problems.Add(new(SealProblemKinds.Mask, stream, version, e.Sequence, problem));
                    if (hash != seal.Hash)
                        Problems.Add(new(SealProblemKinds.Modified, stream, version, e.Sequence, $"the event ({e.Type}) differs from what was sealed"));
                }
                var expectedPrevious = _previousSeal is { } p && p.Version == version - 1 ? p.Hash : null;
                if (seal.PreviousHash != expectedPrevious && (version == 1 || _previousSeal?.Version == version - 1))
                    Problems.Add(new(SealProblemKinds.Modified, stream, version, seal.Sequence,
                        "the seal does not link to the previous one: the seals were altered"));
            }

            _previousSeal = seal;
            if (seal is not null)
            {
                _lastSeal = seal;
                if (seal.Sequence <= headAsOf) _lastSealAsOf = seal;
            }
        }

        public void EndStream()
        {
            if (_lastSeal is { } last)
            {
                Heads.Add(new(last.StreamId, last.Version, last.Hash));
                _head.AppendData(Encoding.UTF8.GetBytes($"{last.StreamId} {last.Version} {last.Hash}\n"));
            }
            if (_lastSealAsOf is { } then) _headAsOf.AppendData(Encoding.UTF8.GetBytes($"{then.StreamId} {then.Version} {then.Hash}\n"));
            _stream = null;
            _lastVersion = 0;
            _previousSeal = _lastSeal = _lastSealAsOf = null;
        }

        public string Head() => Convert.ToHexStringLower(_head.GetHashAndReset());
        public string HeadAsOf() => Convert.ToHexStringLower(_headAsOf.GetHashAndReset());
    }
}
