using System.Text.Encodings.Web;
using System.Text.Json;
using Npgsql;
using Relance.ServiceDefaults.Audit.Sealing;

namespace Relance.Cli.Dossier;

/// <summary>
/// The streams as stored, for replay: each event's row of <c>relance.mt_events</c> (data and headers as PostgreSQL
/// keeps them, erased values included as masked), one JSON file per stream, <c>events/&lt;service&gt;/&lt;stream&gt;.json</c>
/// (the stream key URL-encoded); and the head of each stream's seal chain when the database has one, bounded by the
/// version exported.
/// </summary>
public static class RawStreams
{
    public static string FileName(string service, string stream) => $"events/{service}/{Uri.EscapeDataString(stream)}.json";

    /// <summary>A stream's file, and the version of its last event exported (0 when it has none).</summary>
    public static async Task<(ArchiveFile File, long Version)> ReadAsync(NpgsqlConnection connection, string service, string stream, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            """
            select seq_id, id, version, type, mt_dotnet_type, timestamp, correlation_id, causation_id, user_name, headers::text, data::text
            from relance.mt_events where stream_id = @stream order by version
            """, connection);
        command.Parameters.AddWithValue("stream", stream);
        await using var reader = await command.ExecuteReaderAsync(cancellation);

        using var buffer = new MemoryStream();
        var version = 0L;
        await using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("service", service);
            json.WriteString("stream", stream);
            json.WriteStartArray("events");
            while (await reader.ReadAsync(cancellation))
            {
                json.WriteStartObject();
                json.WriteNumber("sequence", reader.GetInt64(0));
                json.WriteString("id", reader.GetGuid(1));
                version = reader.GetInt64(2);
                json.WriteNumber("version", version);
                json.WriteString("type", reader.GetString(3));
                Text(json, "dotnetType", reader, 4);
                json.WriteString("timestamp", reader.GetFieldValue<DateTimeOffset>(5).ToUniversalTime().ToString("O"));
                Text(json, "correlationId", reader, 6);
                Text(json, "causationId", reader, 7);
                Text(json, "userName", reader, 8);
                json.WritePropertyName("headers");
                if (reader.IsDBNull(9)) json.WriteNullValue(); else json.WriteRawValue(reader.GetString(9));
                json.WritePropertyName("data");
                json.WriteRawValue(reader.GetString(10));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return (new ArchiveFile(FileName(service, stream), buffer.ToArray()), version);
    }

    static void Text(Utf8JsonWriter json, string name, NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal)) json.WriteNull(name); else json.WriteString(name, reader.GetString(ordinal));
    }

    /// <summary>How many events of these streams have no seal yet; 0 when the database has no seal table (nothing to wait for).</summary>
    public static async Task<long> UnsealedAsync(NpgsqlConnection connection, IReadOnlyList<string> streams, CancellationToken cancellation)
    {
        if (!await SealSchema.SealsExistAsync(connection, cancellation)) return 0;
        await using var command = new NpgsqlCommand(
            """
            select count(*) from relance.mt_events e
            where e.stream_id = any(@streams)
              and not exists (select 1 from relance.audit_event_seals s where s.stream_id = e.stream_id and s.version = e.version)
            """, connection);
        command.Parameters.AddWithValue("streams", streams.ToArray());
        return (long)(await command.ExecuteScalarAsync(cancellation))!;
    }

    /// <summary>
    /// The last seal of each stream at or below the version exported (<paramref name="exported"/>, stream → version), from
    /// the helper table <c>relance.audit_event_seals</c>; null when the database has none. The bound keeps a head from
    /// covering an event the archive does not hold, whatever was sealed since the events were read.
    /// </summary>
    public static async Task<IReadOnlyList<SealHead>?> SealHeadsAsync(NpgsqlConnection connection, string service, IReadOnlyDictionary<string, long> exported, CancellationToken cancellation)
    {
        if (!await SealSchema.SealsExistAsync(connection, cancellation)) return null;
        await using var command = new NpgsqlCommand(
            """
            select distinct on (s.stream_id) s.stream_id, s.version, s.hash
            from relance.audit_event_seals s join unnest(@streams, @versions) as x(stream_id, version) on s.stream_id = x.stream_id and s.version <= x.version
            order by s.stream_id, s.version desc
            """, connection);
        command.Parameters.AddWithValue("streams", exported.Keys.ToArray());
        command.Parameters.AddWithValue("versions", exported.Keys.Select(k => exported[k]).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var heads = new List<SealHead>();
        while (await reader.ReadAsync(cancellation)) heads.Add(new SealHead(service, reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        return heads;
    }
}
