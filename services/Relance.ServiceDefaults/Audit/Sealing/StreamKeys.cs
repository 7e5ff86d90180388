using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace Relance.ServiceDefaults.Audit.Sealing;

/// <summary>Each stream's random HMAC key (relance.audit_stream_keys): what links a personal value's hashed form to the value.</summary>
public static class StreamKeys
{
    /// <summary>Each stream's key, made (random, 32 bytes) for a stream that has none: a new one, or one whose key an erasure deleted.</summary>
    /// <remarks>One statement, so that every stream asked gets its key even if an erasure deletes one meanwhile (the no-op update returns the row kept).</remarks>
    public static async Task<Dictionary<string, byte[]>> GetOrCreateAsync(NpgsqlConnection connection, string[] streams, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO relance.audit_stream_keys (stream_id, key) SELECT * FROM unnest($1::text[], $2::bytea[])
            ON CONFLICT (stream_id) DO UPDATE SET key = audit_stream_keys.key
            RETURNING stream_id, key
            """, connection)
        {
            Parameters =
            {
                new() { Value = streams },
                new() { Value = streams.Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea },
            },
        };
        var keys = new Dictionary<string, byte[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) keys[reader.GetString(0)] = reader.GetFieldValue<byte[]>(1);
        return keys;
    }

    /// <summary>Forgets the streams' keys: their erased values' masks no longer link to anything. Returns how many were deleted.</summary>
    public static async Task<int> DeleteAsync(NpgsqlConnection connection, string[] streams, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand("DELETE FROM relance.audit_stream_keys WHERE stream_id = ANY($1)", connection)
        {
            Parameters = { new() { Value = streams } },
        };
        return await command.ExecuteNonQueryAsync(cancellation);
    }
}
