using Npgsql;

namespace Relance.ServiceDefaults.Audit.Sealing;

/// <summary>
/// Sequence numbers the sealer found no event at (relance.audit_seal_gaps). Marten takes an event's sequence number
/// before its transaction commits, and the daemon goes past a number that stays empty a few seconds: an event committed
/// later below its position is never given to the sealer. So each page remembers the numbers of its range with no row,
/// and the next page seals first whatever has since appeared there. A number stays empty for good when its transaction
/// rolled back (or left a tombstone): it is forgotten after a window no transaction stays open that long.
/// </summary>
public static class SealGaps
{
    public const string Table = "relance.audit_seal_gaps";

    /// <summary>The configuration key of the window, a TimeSpan ("00:10:00").</summary>
    public const string WindowKey = "Audit:SealGapWindow";

    /// <summary>Far beyond Marten's command timeout (30 s) and any transaction of the services.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(10);

    /// <summary>The sequence numbers of (floor, ceiling] with no row among those read.</summary>
    public static List<long> Missing(long floor, long ceiling, IEnumerable<long> read)
    {
        var present = read.ToHashSet();
        var missing = new List<long>();
        for (var sequence = floor + 1; sequence <= ceiling; sequence++)
            if (!present.Contains(sequence)) missing.Add(sequence);
        return missing;
    }

    /// <summary>Forgets the gaps noticed longer ago than the window: their transactions are over.</summary>
    public static async Task ForgetOlderThanAsync(NpgsqlConnection connection, TimeSpan window, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"DELETE FROM {Table} WHERE noticed_at < now() - $1", connection)
        {
            Parameters = { new() { Value = window } },
        };
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>Records the new gaps (a page done again keeps their first noticed_at) and deletes those now filled.</summary>
    public static async Task UpdateAsync(NpgsqlConnection connection, List<long> missing, long[] filled, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"""
            WITH filled AS (DELETE FROM {Table} WHERE seq_id = ANY($2))
            INSERT INTO {Table} (seq_id, noticed_at) SELECT unnest($1::bigint[]), now() ON CONFLICT DO NOTHING
            """, connection)
        {
            Parameters = { new() { Value = missing.ToArray() }, new() { Value = filled } },
        };
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
