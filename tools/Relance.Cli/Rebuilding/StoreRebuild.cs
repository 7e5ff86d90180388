using System.Data;
using System.Diagnostics;
using System.Threading.Channels;
using JasperFx.Events;
using Marten;
using Marten.Events.Archiving;
using Marten.Services;
using Npgsql;
using NpgsqlTypes;

namespace Relance.Cli.Rebuilding;

/// <summary>
/// <see cref="Check"/>: replay into temporary tables and compare, writing nothing (safe while the service runs).
/// <see cref="Replace"/>: the same, then replace the stored documents with the rebuilt ones, in one transaction.
/// </summary>
public enum RebuildMode { Replace, Check }

/// <param name="Seconds">The projection's own time: replaying its events, copying its documents out, comparing them (and replacing them).</param>
public sealed record ProjectionRebuildReport(
    string Projection, string Table, long DocumentsBefore, long DocumentsAfter, long EventsApplied, double Seconds, ProjectionComparison Comparison)
{
    public double ReplaySeconds { get; init; }
    public double CopySeconds { get; init; }
    public double CompareSeconds { get; init; }
    public double ReplaceSeconds { get; init; }

    public bool Matches => Comparison.Matches;
    public double DocumentsPerSecond => Seconds > 0 ? DocumentsAfter / Seconds : 0;
}

/// <param name="ReadSeconds">Of <paramref name="Seconds"/>, the time spent reading and deserializing the events (shared by the projections).</param>
public sealed record StoreRebuildReport(string Service, long Streams, long EventsReplayed, double Seconds, IReadOnlyList<ProjectionRebuildReport> Projections)
{
    public double ReadSeconds { get; init; }

    public bool Matches => Projections.All(p => p.Matches);
    public double EventsPerSecond => Seconds > 0 ? EventsReplayed / Seconds : 0;
}

/// <summary>
/// Rebuilds a service's projections from its events and compares the result with the stored documents.
/// Everything happens in one REPEATABLE READ transaction, so the events and the documents are read as of one instant
/// (inline projections are committed with their events: any difference is real, never a race). In
/// <see cref="RebuildMode.Replace"/> mode the transaction first locks the event tables and the documents' tables
/// against writes (SHARE ROW EXCLUSIVE: readers go on, the service's appends wait until the commit, and two rebuilds
/// cannot run at once), and the documents are swapped at the commit: readers never see a half-rebuilt table.
/// </summary>
public sealed class StoreRebuild(DocumentStore store, string connectionString, string service, IReadOnlyList<ProjectionReplayer> projections)
{
    /// <summary>Streams read per round trip: their events are replayed together, then their documents copied out.</summary>
    public int StreamsPerPage { get; init; } = 1000;

    /// <summary>How long a rebuild waits for the service's running transactions to end before giving up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    static readonly string[] MartenColumns = ["id", "data", "mt_last_modified", "mt_dotnet_type", "mt_version"];

    string EventSchema => store.Options.Events.DatabaseSchemaName;

    public async Task<StoreRebuildReport> RunAsync(RebuildMode mode, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation);
        foreach (var projection in projections) await EnsureRebuildableAsync(connection, projection, mode, cancellation);

        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellation);
        if (mode == RebuildMode.Replace)
        {
            // Before the first query, so that the transaction's snapshot is taken once no one else can write.
            var tables = string.Join(", ", new[] { $"{EventSchema}.mt_streams", $"{EventSchema}.mt_events" }.Concat(projections.Select(p => p.Table)));
            try
            {
                await ExecuteAsync(connection, $"SET LOCAL lock_timeout = '{(int)LockTimeout.TotalMilliseconds}ms'; LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE", cancellation);
            }
            catch (PostgresException busy) when (busy.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                throw new CliException($"the {service} store stayed busy for {LockTimeout.TotalSeconds:0} s (another rebuild, or a long transaction of the service): nothing was rebuilt; try again, or stop the {service} service first.");
            }
        }

        var work = projections.Select((p, i) => new ProjectionWork(p, $"relance_rebuilt_{i}")).ToList();
        foreach (var w in work)
            // Uncompressed: the documents live only until the commit, and compressing them (pglz) cost PostgreSQL as
            // much as parsing them.
            await ExecuteAsync(connection,
                $"CREATE TEMP TABLE {w.Rebuilt} (id varchar NOT NULL, data jsonb NOT NULL, dotnet_type varchar NOT NULL, version bigint NOT NULL) ON COMMIT DROP; " +
                $"ALTER TABLE {w.Rebuilt} ALTER COLUMN data SET STORAGE EXTERNAL", cancellation);

        var (streams, events, read) = await ReplayAsync(connection, work, cancellation);

        var reports = new List<ProjectionRebuildReport>();
        foreach (var w in work)
        {
            var compareStarted = Stopwatch.GetTimestamp();
            var before = await CountAsync(connection, w.Projection.Table, cancellation);
            var comparison = await CompareAsync(connection, w, cancellation);
            var compared = Stopwatch.GetElapsedTime(compareStarted);
            var replaceStarted = Stopwatch.GetTimestamp();
            if (mode == RebuildMode.Replace) await ReplaceAsync(connection, w, cancellation);
            var replaced = Stopwatch.GetElapsedTime(replaceStarted);
            reports.Add(new ProjectionRebuildReport(w.Projection.Name, w.Projection.Table, before, w.Documents, w.EventsApplied,
                (w.Replaying + w.Copying + compared + replaced).TotalSeconds, comparison)
            {
                ReplaySeconds = w.Replaying.TotalSeconds, CopySeconds = w.Copying.TotalSeconds, CompareSeconds = compared.TotalSeconds, ReplaceSeconds = replaced.TotalSeconds,
            });
        }

        if (mode == RebuildMode.Replace) await transaction.CommitAsync(cancellation);
        else await transaction.RollbackAsync(cancellation);
        return new StoreRebuildReport(service, streams, events, Stopwatch.GetElapsedTime(started).TotalSeconds, reports) { ReadSeconds = read.TotalSeconds };
    }

    sealed class ProjectionWork(ProjectionReplayer projection, string rebuilt)
    {
        public ProjectionReplayer Projection { get; } = projection;
        public string Rebuilt { get; } = rebuilt;
        public long Documents { get; set; }
        public long EventsApplied { get; set; }
        public TimeSpan Replaying { get; set; }
        public TimeSpan Copying { get; set; }
    }

    /// <summary>
    /// Three stages at once, so that PostgreSQL and this process work side by side: a page of streams is read (on a
    /// second connection, in the same snapshot), while the page before is replayed, while the one before that is
    /// copied into the temporary tables.
    /// </summary>
    async Task<(long Streams, long Events, TimeSpan Reading)> ReplayAsync(NpgsqlConnection connection, List<ProjectionWork> work, CancellationToken cancellation)
    {
        var snapshot = (string)(await ScalarAsync(connection, "SELECT pg_export_snapshot()", cancellation))!;
        await using var reader = new NpgsqlConnection(connectionString);
        await reader.OpenAsync(cancellation);
        await using var readerTransaction = await reader.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellation);
        await ExecuteAsync(reader, $"SET TRANSACTION SNAPSHOT '{snapshot}'", cancellation);
        await using var readerSession = store.QuerySession(SessionOptions.ForTransaction(readerTransaction));
        // The session the projections are given: the services' Evolve functions never query; this one never connects.
        await using var projectionSession = store.QuerySession();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var pages = Channel.CreateBounded<IReadOnlyList<IEvent>>(2);
        var reading = TimeSpan.Zero;
        var readingTask = Task.Run(async () =>
        {
            try
            {
                var after = "";
                while (true)
                {
                    var readStarted = Stopwatch.GetTimestamp();
                    var keys = await StreamPageAsync(reader, after, stop.Token);
                    if (keys.Count == 0) break;
                    after = keys[^1];
                    var keyArray = keys.ToArray();
                    var page = await readerSession.Events.QueryAllRawEvents()
                        .Where(e => e.MaybeArchived() && keyArray.Contains(e.StreamKey))
                        .OrderBy(e => e.StreamKey).ThenBy(e => e.Version)
                        .ToListAsync(stop.Token);
                    reading += Stopwatch.GetElapsedTime(readStarted);
                    await pages.Writer.WriteAsync(page, stop.Token);
                }
                pages.Writer.Complete();
            }
            catch (Exception failed)
            {
                pages.Writer.Complete(failed);
            }
        }, stop.Token);

        long streams = 0, events = 0;
        var copying = Task.CompletedTask;
        try
        {
            await foreach (var page in pages.Reader.ReadAllAsync(stop.Token))
            {
                events += page.Count;
                var documents = work.Select(_ => new List<RebuiltDocument>()).ToList();
                foreach (var stream in Streams(page))
                {
                    streams++;
                    for (var i = 0; i < work.Count; i++)
                    {
                        var replayStarted = Stopwatch.GetTimestamp();
                        if (await work[i].Projection.ReplayAsync(stream.Key, stream.Events, projectionSession, stop.Token) is { } document) documents[i].Add(document);
                        work[i].EventsApplied += stream.Events.Count;
                        work[i].Replaying += Stopwatch.GetElapsedTime(replayStarted);
                    }
                }
                await copying;
                copying = Task.Run(async () =>
                {
                    for (var i = 0; i < work.Count; i++)
                    {
                        var copyStarted = Stopwatch.GetTimestamp();
                        await CopyAsync(connection, work[i], documents[i], stop.Token);
                        work[i].Copying += Stopwatch.GetElapsedTime(copyStarted);
                    }
                }, stop.Token);
            }
            await copying;
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
        finally
        {
            await Task.WhenAll(copying.ContinueWith(_ => { }, TaskScheduler.Default), readingTask);
        }
        return (streams, events, reading);
    }

    async Task<List<string>> StreamPageAsync(NpgsqlConnection connection, string after, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"SELECT id FROM {EventSchema}.mt_streams WHERE id > $1 ORDER BY id LIMIT $2", connection);
        command.Parameters.AddWithValue(after);
        command.Parameters.AddWithValue(StreamsPerPage);
        var keys = new List<string>(StreamsPerPage);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) keys.Add(reader.GetString(0));
        return keys;
    }

    static IEnumerable<(string Key, List<IEvent> Events)> Streams(IReadOnlyList<IEvent> ordered)
    {
        var i = 0;
        while (i < ordered.Count)
        {
            var key = ordered[i].StreamKey!;
            var events = new List<IEvent>();
            while (i < ordered.Count && ordered[i].StreamKey == key) events.Add(ordered[i++]);
            yield return (key, events);
        }
    }

    static async Task CopyAsync(NpgsqlConnection connection, ProjectionWork w, List<RebuiltDocument> documents, CancellationToken cancellation)
    {
        if (documents.Count == 0) return;
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY {w.Rebuilt} (id, data, dotnet_type, version) FROM STDIN (FORMAT BINARY)", cancellation))
        {
            foreach (var document in documents)
            {
                await copy.StartRowAsync(cancellation);
                await copy.WriteAsync(document.Id, NpgsqlDbType.Varchar, cancellation);
                await copy.WriteAsync(document.Json, NpgsqlDbType.Jsonb, cancellation);
                await copy.WriteAsync(document.DotnetType, NpgsqlDbType.Varchar, cancellation);
                await copy.WriteAsync(document.Version, NpgsqlDbType.Bigint, cancellation);
            }
            await copy.CompleteAsync(cancellation);
        }
        w.Documents += documents.Count;
    }

    /// <summary>PostgreSQL finds the pairs that differ (jsonb equality); only those travel, to be explained by <see cref="DocumentComparison"/>.</summary>
    static async Task<ProjectionComparison> CompareAsync(NpgsqlConnection connection, ProjectionWork w, CancellationToken cancellation)
    {
        var table = w.Projection.Table;
        var pairs = new List<DocumentPair>();
        await using (var command = new NpgsqlCommand(
            $"SELECT coalesce(s.id, r.id), s.data::text, r.data::text FROM {table} s FULL JOIN {w.Rebuilt} r ON r.id = s.id WHERE s.data IS DISTINCT FROM r.data", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
                pairs.Add(new DocumentPair(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }
        // One pass over both tables: every rebuilt document not among the pairs that differ is identical to its stored one.
        var identical = w.Documents - pairs.Count(p => p.Rebuilt is not null);
        return DocumentComparison.Compare(pairs, identical, w.Projection.DocumentType);
    }

    /// <summary>The stored documents, replaced by the rebuilt ones with the metadata Marten's inline projection writes.</summary>
    static async Task ReplaceAsync(NpgsqlConnection connection, ProjectionWork w, CancellationToken cancellation) =>
        await ExecuteAsync(connection,
            $"DELETE FROM {w.Projection.Table}; " +
            $"INSERT INTO {w.Projection.Table} (id, data, mt_last_modified, mt_dotnet_type, mt_version) " +
            $"SELECT id, data, transaction_timestamp(), dotnet_type, version FROM {w.Rebuilt}", cancellation);

    async Task EnsureRebuildableAsync(NpgsqlConnection connection, ProjectionReplayer projection, RebuildMode mode, CancellationToken cancellation)
    {
        var schemaAndName = projection.Table.Split('.', 2);
        await using var command = new NpgsqlCommand("SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2", connection);
        command.Parameters.AddWithValue(schemaAndName[0]);
        command.Parameters.AddWithValue(schemaAndName[1]);
        var columns = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
            while (await reader.ReadAsync(cancellation)) columns.Add(reader.GetString(0));
        if (columns.Count == 0)
            throw new CliException($"the {service} store has no table {projection.Table} for projection {projection.Name}: has the {service} service ever started on this database?");
        if (mode == RebuildMode.Replace && columns.Except(MartenColumns).ToList() is { Count: > 0 } unknown)
            throw new CliException($"{projection.Table} has columns this rebuild does not fill ({string.Join(", ", unknown)}): use --check, or Marten's projection daemon.");
    }

    static async Task<long> CountAsync(NpgsqlConnection connection, string table, CancellationToken cancellation) =>
        (long)(await ScalarAsync(connection, $"SELECT count(*) FROM {table}", cancellation))!;

    static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return await command.ExecuteScalarAsync(cancellation);
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
