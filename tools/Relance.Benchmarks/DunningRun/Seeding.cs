using Marten;
using Npgsql;
using NpgsqlTypes;
using Relance.ReminderService.DunningCases;

namespace Relance.Benchmarks.DunningRun;

/// <summary>
/// Writes the benchmark's cases into a fresh Reminder store. Two ways to the same rows: through Marten (each case a
/// new stream, its document kept by the inline projection, as the service does), or with PostgreSQL's binary COPY of
/// the rows Marten would write (the events and the document serialized by the store's own serializer, the event type
/// names from its mapping), about ten times faster for a million invoices. <see cref="SeedCheck"/> then reads a sample
/// back through Marten.
/// </summary>
public static class Seeding
{
    const int Chunk = 5_000;

    public static async Task<long> ThroughMartenAsync(IDocumentStore store, BenchmarkCases cases, int customers)
    {
        long events = 0;
        await Parallel.ForEachAsync(Chunks(customers), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (range, token) =>
        {
            foreach (var part in range.Chunk(500))
            {
                await using var session = store.LightweightSession();
                foreach (var c in part)
                {
                    var seeded = cases.Case(c);
                    session.Events.StartStream(seeded.Id, [.. seeded.Events]);
                    Interlocked.Add(ref events, seeded.Events.Count);
                }
                await session.SaveChangesAsync(token);
            }
        });
        return events;
    }

    public static async Task<long> ThroughCopyAsync(DocumentStore store, string connectionString, BenchmarkCases cases, int customers)
    {
        var serializer = store.Options.Serializer();
        var mappings = (Marten.Events.EventGraph)store.Options.Events;
        var documentType = typeof(DunningCase).FullName!;
        long events = 0;
        await Parallel.ForEachAsync(Chunks(customers), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (range, token) =>
        {
            var seeded = range.Select(cases.Case).ToList();
            var count = seeded.Sum(s => s.Events.Count);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(token);
            await using var transaction = await connection.BeginTransactionAsync(token);
            var sequence = await ReserveSequenceAsync(connection, count, token);
            var now = DateTimeOffset.UtcNow;
            await using (var streams = await connection.BeginBinaryImportAsync(
                "COPY relance.mt_streams (id, type, version, timestamp, created, tenant_id, compacted_version, is_archived) FROM STDIN (FORMAT BINARY)", token))
            {
                foreach (var s in seeded)
                    await streams.WriteRowAsync(token, s.Id, DBNull.Value, (long)s.Events.Count, now, now, "*DEFAULT*", 0L, false);
                await streams.CompleteAsync(token);
            }
            await using (var rows = await connection.BeginBinaryImportAsync(
                "COPY relance.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers, is_archived) FROM STDIN (FORMAT BINARY)", token))
            {
                var next = 0;
                foreach (var s in seeded)
                    for (var v = 0; v < s.Events.Count; v++)
                    {
                        var e = s.Events[v];
                        var mapping = mappings.EventMappingFor(e.GetType());
                        await rows.StartRowAsync(token);
                        await rows.WriteAsync(sequence[next++], NpgsqlDbType.Bigint, token);
                        await rows.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, token);
                        await rows.WriteAsync(s.Id, NpgsqlDbType.Varchar, token);
                        await rows.WriteAsync((long)v + 1, NpgsqlDbType.Bigint, token);
                        await rows.WriteAsync(serializer.ToJson(e), NpgsqlDbType.Jsonb, token);
                        await rows.WriteAsync(mapping.EventTypeName, NpgsqlDbType.Varchar, token);
                        await rows.WriteAsync(now, NpgsqlDbType.TimestampTz, token);
                        await rows.WriteAsync("*DEFAULT*", NpgsqlDbType.Varchar, token);
                        await rows.WriteAsync(mapping.DotNetTypeName, NpgsqlDbType.Varchar, token);
                        // Marten stores an event without headers as the JSON null.
                        await rows.WriteAsync("null", NpgsqlDbType.Jsonb, token);
                        await rows.WriteAsync(false, NpgsqlDbType.Boolean, token);
                    }
                await rows.CompleteAsync(token);
            }
            await using (var documents = await connection.BeginBinaryImportAsync(
                "COPY relance.mt_doc_dunningcase (id, data, mt_last_modified, mt_dotnet_type, mt_version) FROM STDIN (FORMAT BINARY)", token))
            {
                foreach (var s in seeded)
                {
                    await documents.StartRowAsync(token);
                    await documents.WriteAsync(s.Id, NpgsqlDbType.Varchar, token);
                    await documents.WriteAsync(serializer.ToJson(s.State), NpgsqlDbType.Jsonb, token);
                    await documents.WriteAsync(now, NpgsqlDbType.TimestampTz, token);
                    await documents.WriteAsync(documentType, NpgsqlDbType.Varchar, token);
                    await documents.WriteAsync(s.State.Version, NpgsqlDbType.Bigint, token);
                }
                await documents.CompleteAsync(token);
            }
            await transaction.CommitAsync(token);
            Interlocked.Add(ref events, count);
        });
        return events;
    }

    // The event sequence numbers, taken from Marten's own sequence as its appends take them.
    static async Task<long[]> ReserveSequenceAsync(NpgsqlConnection connection, int count, CancellationToken token)
    {
        await using var command = new NpgsqlCommand("SELECT nextval('relance.mt_events_sequence') FROM generate_series(1, $1)", connection);
        command.Parameters.AddWithValue(count);
        var numbers = new long[count];
        await using var reader = await command.ExecuteReaderAsync(token);
        for (var i = 0; await reader.ReadAsync(token); i++) numbers[i] = reader.GetInt64(0);
        return numbers;
    }

    static IEnumerable<IEnumerable<int>> Chunks(int customers)
    {
        for (var start = 0; start < customers; start += Chunk) yield return Enumerable.Range(start, Math.Min(Chunk, customers - start));
    }
}
