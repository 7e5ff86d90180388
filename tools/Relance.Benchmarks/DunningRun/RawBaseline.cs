using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Relance.Benchmarks.DunningRun;

/// <summary>
/// The raw baseline of the dunning run, in plain SQL over Npgsql and no domain code: read the due rows the scheduler
/// reads (the case documents whose NextActionAt is past, through the same indexed expression, whole, as the scheduler
/// needs them to decide), and write one action row per due case, shaped like Marten's event rows (a jsonb of the
/// action: its reason, the recipient, the invoice concerned; a unique (stream, version) as mt_events has), by binary
/// COPY, all in one transaction. It writes into a table of its own so that the run still finds every case due.
/// </summary>
public static class RawBaseline
{
    public sealed record Result(TimeSpan Elapsed, int DueRead, int ActionsWritten, long ActionBytes);

    public static async Task CreateTableAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand("""
            DROP SCHEMA IF EXISTS bench_baseline CASCADE;
            CREATE SCHEMA bench_baseline;
            CREATE TABLE bench_baseline.dunning_action (
                seq_id bigserial PRIMARY KEY, id uuid NOT NULL, stream_id varchar NOT NULL, version bigint NOT NULL,
                data jsonb NOT NULL, type varchar NOT NULL, timestamp timestamptz NOT NULL, user_name varchar, correlation_id varchar,
                UNIQUE (stream_id, version));
            """, connection).ExecuteNonQueryAsync();
    }

    /// <summary>One pass; committed, or rolled back (a warm-up, on the same footing as the run after it).</summary>
    public static async Task<Result> RunAsync(string connectionString, DateTimeOffset at, bool commit)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var due = new List<(string Id, long Version, string Data)>();
        await using (var read = new NpgsqlCommand("""
            SELECT id, mt_version, data::text FROM relance.mt_doc_dunningcase
            WHERE relance.mt_immutable_timestamptz(data ->> 'NextActionAt') <= $1
            ORDER BY relance.mt_immutable_timestamptz(data ->> 'NextActionAt')
            """, connection, transaction))
        {
            read.Parameters.AddWithValue(at);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync()) due.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        }
        var run = Guid.NewGuid().ToString();
        long bytes = 0;
        await using (var actions = await connection.BeginBinaryImportAsync(
            "COPY bench_baseline.dunning_action (id, stream_id, version, data, type, timestamp, user_name, correlation_id) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (id, version, data) in due)
            {
                var action = Action(id, data, at);
                bytes += action.Length;
                await actions.StartRowAsync();
                await actions.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await actions.WriteAsync(id, NpgsqlDbType.Varchar);
                await actions.WriteAsync(version + 1, NpgsqlDbType.Bigint);
                await actions.WriteAsync(action, NpgsqlDbType.Jsonb);
                await actions.WriteAsync("reminder_requested", NpgsqlDbType.Varchar);
                await actions.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await actions.WriteAsync("system:dunning-scheduler", NpgsqlDbType.Varchar);
                await actions.WriteAsync(run, NpgsqlDbType.Varchar);
            }
            await actions.CompleteAsync();
        }
        if (commit) await transaction.CommitAsync();
        else await transaction.RollbackAsync();
        return new Result(watch.Elapsed, due.Count, due.Count, bytes);
    }

    // The action's content from the due row itself: what is due (NextAction), to whom, for which invoice.
    static string Action(string caseId, string data, DateTimeOffset at)
    {
        using var row = JsonDocument.Parse(data);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("ActionId", Guid.NewGuid());
            json.WriteString("CaseId", caseId);
            json.WriteString("Reason", row.RootElement.GetProperty("NextAction").GetString());
            json.WritePropertyName("Recipient");
            row.RootElement.GetProperty("Customer").WriteTo(json);
            json.WriteStartArray("Invoices");
            row.RootElement.GetProperty("OpenInvoices")[0].WriteTo(json);
            json.WriteEndArray();
            json.WriteString("RequestedAt", at);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static async Task<(int Rows, int Cases)> CountAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var reader = await new NpgsqlCommand("SELECT count(*), count(DISTINCT stream_id) FROM bench_baseline.dunning_action", connection).ExecuteReaderAsync();
        await reader.ReadAsync();
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1));
    }

    /// <summary>Whether the baseline wrote its actions for exactly the cases the run acted on.</summary>
    public static async Task<long> CasesDifferingFromRunAsync(string connectionString, string warmUpCase)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            WITH acted AS (SELECT stream_id FROM relance.mt_events WHERE type = 'reminder_requested' AND stream_id <> $1)
            SELECT count(*) FROM (
              (SELECT stream_id FROM bench_baseline.dunning_action EXCEPT SELECT stream_id FROM acted)
              UNION ALL
              (SELECT stream_id FROM acted EXCEPT SELECT stream_id FROM bench_baseline.dunning_action)) differing
            """, connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue(warmUpCase);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task DropAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand("DROP SCHEMA IF EXISTS bench_baseline CASCADE", connection).ExecuteNonQueryAsync();
    }
}
