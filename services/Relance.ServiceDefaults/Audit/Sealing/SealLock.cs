using Npgsql;

namespace Relance.ServiceDefaults.Audit.Sealing;

/// <summary>
/// The lock the sealer and an erasure both take, for their transaction: without it the sealer could read an event in
/// clear, the erasure mask it and delete its stream's key, and the sealer then seal the clear text under a new key.
/// Two-int form, so it never meets Marten's daemon locks (one bigint).
/// </summary>
public static class SealLock
{
    /// <summary>"audit seal": the class of the lock. The second int is the database's (advisory locks are per database
    /// already; it tells the stores apart in pg_locks).</summary>
    const int Class = 0x52_53_4C_00; // "RSL\0"

    public static async Task TakeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({Class}, hashtext(current_database()))", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
