using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Relance.AuditBenchmarks;

/// <summary>
/// The rebuild's raw baseline, on the same store: every event read in plain SQL in stream order (as the rebuild reads
/// them, stream by stream), folded trivially (a stream's row is its event count and its last event's data, where the
/// rebuild runs the services' Evolve into a DunningCase), and one row per stream COPYed into a plain table, replaced in
/// one transaction (TRUNCATE, COPY, COMMIT), the reading and the writing on two connections side by side. No Marten,
/// no deserialization into events, no comparison with stored documents.
/// </summary>
static class RawRebuild
{
    public const string What = "every event read in plain SQL in stream order, a trivial fold (event count, last event's data), " +
                               "one row per stream COPYed into a plain table replaced in one transaction";

    const string Table = "relance_bench_raw_rebuilt";

    public sealed record Result(long Events, long Rows, double Seconds)
    {
        public double EventsPerSecond => Events / Seconds;
    }

    public static async Task<Result> RunAsync(string connectionString)
    {
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE TABLE IF NOT EXISTS {Table} (id varchar PRIMARY KEY, data jsonb NOT NULL, version bigint NOT NULL)", setup);
            await create.ExecuteNonQueryAsync();
        }

        var started = Stopwatch.StartNew();
        await using var reading = new NpgsqlConnection(connectionString);
        await using var writing = new NpgsqlConnection(connectionString);
        await Task.WhenAll(reading.OpenAsync(), writing.OpenAsync());
        await using var transaction = await writing.BeginTransactionAsync();
        await using (var truncate = new NpgsqlCommand($"TRUNCATE {Table}", writing)) await truncate.ExecuteNonQueryAsync();

        long events = 0, rows = 0;
        await using (var copy = await writing.BeginBinaryImportAsync($"COPY {Table} (id, data, version) FROM STDIN (FORMAT BINARY)"))
        {
            await using var query = new NpgsqlCommand("SELECT stream_id, data FROM relance.mt_events ORDER BY stream_id, version", reading);
            await using var reader = await query.ExecuteReaderAsync();
            string? stream = null, last = null;
            long count = 0;
            while (await reader.ReadAsync())
            {
                var id = reader.GetString(0);
                if (stream is not null && id != stream)
                {
                    await WriteAsync(copy, stream, last!, count);
                    rows++;
                    count = 0;
                }
                stream = id;
                last = reader.GetString(1);
                count++;
                events++;
            }
            if (stream is not null)
            {
                await WriteAsync(copy, stream, last!, count);
                rows++;
            }
            await copy.CompleteAsync();
        }
        await transaction.CommitAsync();
        var seconds = started.Elapsed.TotalSeconds;

        // Checked, not assumed: the table holds one row per stream, and their counts add up to the events read.
        await using var check = new NpgsqlCommand($"SELECT count(*), coalesce(sum(version), 0)::bigint FROM {Table}", writing);
        await using var stored = await check.ExecuteReaderAsync();
        await stored.ReadAsync();
        if (stored.GetInt64(0) != rows || stored.GetInt64(1) != events)
            throw new InvalidOperationException($"The raw rebuild wrote {rows} rows of {events} events, the table holds {stored.GetInt64(0)} rows of {stored.GetInt64(1)}.");
        return new Result(events, rows, seconds);
    }

    static async Task WriteAsync(NpgsqlBinaryImporter copy, string id, string data, long version)
    {
        await copy.StartRowAsync();
        await copy.WriteAsync(id, NpgsqlDbType.Varchar);
        await copy.WriteAsync(data, NpgsqlDbType.Jsonb);
        await copy.WriteAsync(version, NpgsqlDbType.Bigint);
    }
}
