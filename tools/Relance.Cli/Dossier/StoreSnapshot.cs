using System.Data;
using Npgsql;

namespace Relance.Cli.Dossier;

/// <summary>
/// One service's store as of one instant: a connection in a read-only REPEATABLE READ transaction whose snapshot is
/// taken when it opens, so that every read made on it (Marten's sessions, the raw events, the seals, the timeline) sees
/// the same committed events and nothing written since.
/// </summary>
sealed class StoreSnapshot : IAsyncDisposable
{
    StoreSnapshot(NpgsqlConnection connection, NpgsqlTransaction transaction) => (Connection, Transaction) = (connection, transaction);

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    public static async Task<StoreSnapshot> OpenAsync(string connectionString, CancellationToken cancellation)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellation);
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellation);
            // The first query takes the snapshot: now, rather than whenever the store is first read.
            await using (var take = new NpgsqlCommand("SET TRANSACTION READ ONLY; SELECT 1", connection, transaction))
                await take.ExecuteNonQueryAsync(cancellation);
            return new StoreSnapshot(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
