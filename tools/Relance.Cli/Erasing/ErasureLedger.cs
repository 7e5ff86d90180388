using Npgsql;

namespace Relance.Cli.Erasing;

/// <summary>One erasure in one store, as the ledger keeps it: who, when, why, what.</summary>
public sealed record ErasureRecord(
    Guid Id, string Service, string CompanyId, string CustomerId, DateTimeOffset ErasedAt, string ErasedBy, string Reason,
    IReadOnlyList<string> Streams, int EventsChanged, int ValuesMasked, int DocumentsRebuilt, int DocumentsMasked, int KeysDeleted);

/// <summary>
/// The record of erasures (relance.audit_erasures in each store), written in the erasure's own transaction: the trace that
/// personal data was removed, by whom and why, which itself holds none (ids and counts only).
/// </summary>
public static class ErasureLedger
{
    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand("""
            CREATE TABLE IF NOT EXISTS relance.audit_erasures (
                id uuid PRIMARY KEY,
                company_id text NOT NULL,
                customer_id text NOT NULL,
                erased_at timestamptz NOT NULL,
                erased_by text NOT NULL,
                reason text NOT NULL,
                streams text[] NOT NULL,
                events_changed integer NOT NULL,
                values_masked integer NOT NULL,
                documents_rebuilt integer NOT NULL,
                documents_masked integer NOT NULL,
                keys_deleted integer NOT NULL)
            """, connection);
        try { await command.ExecuteNonQueryAsync(cancellation); }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable) { }
    }

    public static async Task RecordAsync(NpgsqlConnection connection, ErasureRecord record, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO relance.audit_erasures (id, company_id, customer_id, erased_at, erased_by, reason, streams, events_changed, values_masked, documents_rebuilt, documents_masked, keys_deleted)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            """, connection)
        {
            Parameters =
            {
                new() { Value = record.Id }, new() { Value = record.CompanyId }, new() { Value = record.CustomerId }, new() { Value = record.ErasedAt },
                new() { Value = record.ErasedBy }, new() { Value = record.Reason }, new() { Value = record.Streams.ToArray() },
                new() { Value = record.EventsChanged }, new() { Value = record.ValuesMasked }, new() { Value = record.DocumentsRebuilt },
                new() { Value = record.DocumentsMasked }, new() { Value = record.KeysDeleted },
            },
        };
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
