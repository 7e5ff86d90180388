using Marten;
using Marten.Storage;
using Npgsql;

namespace Relance.CorrespondenceService.Correspondences;

/// <summary>
/// A PostgreSQL advisory lock on one correspondence, held on a connection of its own: whoever carries a
/// correspondence out (a delivery of its request, a redelivery, the reconciler) or withdraws it does so one after
/// the other, and each finds what the other recorded.
/// </summary>
public sealed class CorrespondenceLock : IAsyncDisposable
{
    // The two-key form (class, correspondence): PostgreSQL keeps it apart from the one-key bigint locks Marten takes (its
    // daemon's DaemonLockId), so a correspondence never waits on, or blocks, the projections. Two correspondences whose ids
    // hash alike are only handled one after the other.
    const int LockClass = 0x52434F52; // "RCOR"

    readonly NpgsqlConnection connection;
    readonly int key;

    CorrespondenceLock(NpgsqlConnection connection, int key) => (this.connection, this.key) = (connection, key);

    /// <param name="wait">Wait for whoever holds it; false: null at once when someone does.</param>
    public static async Task<CorrespondenceLock?> TakeAsync(IDocumentStore store, Guid correspondenceId, bool wait, CancellationToken cancellation)
    {
        var connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        try
        {
            await connection.OpenAsync(cancellation);
            var key = Key(correspondenceId);
            await using var take = new NpgsqlCommand(wait ? "SELECT pg_advisory_lock($1, $2)" : "SELECT pg_try_advisory_lock($1, $2)", connection)
                { Parameters = { new() { Value = LockClass }, new() { Value = key } } };
            if (await take.ExecuteScalarAsync(cancellation) is false)
            {
                await connection.DisposeAsync();
                return null;
            }
            return new CorrespondenceLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    static int Key(Guid correspondenceId)
    {
        var bytes = correspondenceId.ToByteArray();
        return BitConverter.ToInt32(bytes, 0) ^ BitConverter.ToInt32(bytes, 4) ^ BitConverter.ToInt32(bytes, 8) ^ BitConverter.ToInt32(bytes, 12);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1, $2)", connection)
                { Parameters = { new() { Value = LockClass }, new() { Value = key } } };
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
        finally
        {
            // Closing the session releases whatever it still holds, should the unlock itself have failed.
            await connection.DisposeAsync();
        }
    }
}
