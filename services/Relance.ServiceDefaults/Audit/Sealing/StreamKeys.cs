using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace Relance.ServiceDefaults.Audit.Sealing;

/// <summary>Each stream's random HMAC key (relance.audit_stream_keys): what links a personal value's hashed form to the value.</summary>
public static class StreamKeys
{
    /// <summary>Each stream's key, made (random, 32 bytes) for a stream that has none: a new one, or one whose key an erasure deleted.</summary>
    public static async Task<Dictionary<string, byte[]>> GetOrCreateAsync(NpgsqlConnection connection, string[] streams, CancellationToken cancellation)
    {
        await using (var create = new NpgsqlCommand(
            "INSERT INTO relance.audit_stream_keys (stream_id, key) SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT DO NOTHING", connection))
        {
            create.Parameters.Add(new() { Value = streams });
            create.Parameters.Add(new() { Value = streams.Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            await create.ExecuteNonQueryAsync(cancellation);
        }
        await using var read = new NpgsqlCommand("SELECT stream_id, key FROM relance.audit_stream_keys WHERE stream_id = ANY($1)", connection)
        {
            Parameters = { new() { Value = streams } },
        };
        var keys = new Dictionary<string, byte[]>();
        await using var reader = await read.ExecuteReaderAsync(cancellation);
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
