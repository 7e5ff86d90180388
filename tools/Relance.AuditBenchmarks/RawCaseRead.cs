using Npgsql;
using Relance.ServiceDefaults.Audit.Timeline;

namespace Relance.AuditBenchmarks;

/// <summary>The streams a case's timeline reads: the case in the Reminder store, its invoices and customer, its correspondences and invoice documents.</summary>
sealed record CaseStreams(string Case, string[] Invoice, string[] Correspondence);

/// <summary>
/// The timeline's raw baseline: the same rows its three queries read (same stores, same streams, same columns, the
/// rendered PDF and MIME left out in SQL as the timeline leaves them out), with plain Npgsql into a list of rows: the
/// case's stream first, then the invoice and correspondence stores side by side, as the timeline does; the stream keys
/// are known beforehand. No JSON parsing, no describing, no merging.
/// </summary>
sealed class RawCaseRead(AuditStore[] stores, CaseStreams streams)
{
    public const string What = "the same rows read with Npgsql into memory (the case's stream, then the invoice and correspondence " +
                               "stores side by side, stream keys known beforehand; no JSON parsing, describing or merging)";

    const string Query = """
        SELECT seq_id, stream_id, version, type, timestamp, user_name, correlation_id, causation_id,
               (CASE WHEN type = 'correspondence_rendered' THEN data - 'Pdf' - 'Mime' ELSE data END)::text
        FROM relance.mt_events WHERE stream_id = ANY($1) ORDER BY seq_id
        """;

    sealed record Row(long Sequence, string Stream, long Version, string Type, DateTimeOffset At, string? Actor, string? Correlation, string? Causation, string Data);

    /// <summary>How many rows were read.</summary>
    public async Task<int> ReadAsync()
    {
        var of = await RowsAsync(stores[1], [streams.Case]);
        var invoice = RowsAsync(stores[0], streams.Invoice);
        var correspondence = RowsAsync(stores[2], streams.Correspondence);
        return of.Count + (await invoice).Count + (await correspondence).Count;
    }

    static async Task<List<Row>> RowsAsync(AuditStore store, string[] keys)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = keys });
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(new Row(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetString(8)));
        return rows;
    }
}
