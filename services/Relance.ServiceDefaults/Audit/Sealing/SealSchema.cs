using Npgsql;

namespace Relance.ServiceDefaults.Audit.Sealing;

/// <summary>
/// The tamper-evidence tables, beside Marten's in schema relance, created by the sealer when first needed:
/// one seal per event (a hash chain per stream) and one random HMAC key per stream, which the hashed form of
/// personal values depends on and which erasure deletes.
/// </summary>
public static class SealSchema
{
    public const string Seals = "relance.audit_event_seals";
    public const string Keys = "relance.audit_stream_keys";

    /// <summary>
    /// The stream where Marten writes placeholder events for the sequence numbers of a commit that failed, their version
    /// being the sequence number. They record no fact, so nothing proves or erases them: the sealer, verify and erasure
    /// leave this stream out (its versions have gaps by design, verify would call them deleted).
    /// </summary>
    public const string TombstoneStream = "mt_tombstone";

    const string Ddl = """
        CREATE TABLE IF NOT EXISTS relance.audit_event_seals (
            seq_id bigint PRIMARY KEY,
            stream_id text NOT NULL,
            version bigint NOT NULL,
            previous_hash text NULL,
            hash text NOT NULL,
            sealed_at timestamptz NOT NULL,
            rules integer NOT NULL DEFAULT 1,
            UNIQUE (stream_id, version));
        COMMENT ON COLUMN relance.audit_event_seals.rules IS 'The personal-data rules version (Audit/PersonalData/personal-data.json) the hashed form of the event used';
        CREATE TABLE IF NOT EXISTS relance.audit_stream_keys (
            stream_id text PRIMARY KEY,
            key bytea NOT NULL);
        CREATE TABLE IF NOT EXISTS relance.audit_seal_gaps (
            seq_id bigint PRIMARY KEY,
            noticed_at timestamptz NOT NULL);
        COMMENT ON TABLE relance.audit_seal_gaps IS 'Sequence numbers the sealer found no event at: an event committed there later is sealed at its next page';
        """;

    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS relance; {Ddl}", connection);
        try { await command.ExecuteNonQueryAsync(cancellation); }
        // Two processes creating them at once: the other one won.
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable) { }
    }

    /// <summary>Whether any event was ever sealed here: the seal table alone, for readers of the seals (the dossier).</summary>
    public static async Task<bool> SealsExistAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"SELECT to_regclass('{Seals}') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellation))!;
    }

    /// <summary>Whether the sealer ever ran on this database (readers tolerate its absence).</summary>
    public static async Task<bool> ExistsAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass('relance.audit_event_seals') IS NOT NULL AND to_regclass('relance.audit_stream_keys') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellation))!;
    }
}
