using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Relance.ServiceDefaults.Audit.PersonalData;

namespace Relance.ServiceDefaults.Audit.Sealing;

/// <summary>An event as PostgreSQL stores it (relance.mt_events), every column a seal covers; jsonb read as text, its canonical form.</summary>
public sealed record StoredEvent(
    long Sequence, string StreamId, long Version, Guid Id, string Type, DateTime Timestamp,
    string? UserName, string? CorrelationId, string? CausationId, string? Headers, string Data)
{
    /// <summary>The columns, in <see cref="Read"/>'s order, of relance.mt_events aliased <c>e</c>.</summary>
    public const string Columns =
        "e.seq_id, e.stream_id, e.version, e.id, e.type, e.timestamp, e.user_name, e.correlation_id, e.causation_id, e.headers::text, e.data::text";

    public const int ColumnCount = 11;

    public static StoredEvent Read(NpgsqlDataReader row, int first = 0) => new(
        row.GetInt64(first), row.GetString(first + 1), row.GetInt64(first + 2), row.GetGuid(first + 3), row.GetString(first + 4),
        row.GetFieldValue<DateTime>(first + 5), Text(row, first + 6), Text(row, first + 7), Text(row, first + 8), Text(row, first + 9),
        row.GetString(first + 10));

    static string? Text(NpgsqlDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);
}

/// <summary>
/// A seal's hash: SHA-256(the previous seal's hash of the stream, as lowercase hex ASCII, nothing for the first ‖ the
/// event's canonical bytes). The canonical bytes are the line <c>relance-seal/1 rules/&lt;n&gt;\n</c>, then for each of
/// stream id, version, event id, type, timestamp (UTC, ISO 8601 to the microsecond), user name, correlation id,
/// causation id, headers (jsonb text) and data (jsonb text, personal values in hashed form, see <see cref="ErasureMask"/>):
/// its UTF-8 byte count in decimal, ':', its bytes, '\n' — or '-' and '\n' when null. An auditor can recompute it with
/// any SQL client and a SHA-256 tool, given the stream's key for the events that carry personal data.
/// </summary>
public static class SealHash
{
    public static string Compute(string? previousHash, StoredEvent e, PersonalDataRuleSet rules, byte[]? key, List<string> problems)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (previousHash is not null) hash.AppendData(Encoding.ASCII.GetBytes(previousHash));
        hash.AppendData(Encoding.ASCII.GetBytes($"relance-seal/1 rules/{rules.Version}\n"));
        Field(hash, e.StreamId);
        Field(hash, e.Version.ToString(CultureInfo.InvariantCulture));
        Field(hash, e.Id.ToString("D"));
        Field(hash, e.Type);
        Field(hash, e.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        Field(hash, e.UserName);
        Field(hash, e.CorrelationId);
        Field(hash, e.CausationId);
        Field(hash, e.Headers);
        Field(hash, ErasureMask.HashedForm(e.Data, rules.ForEvent(e.Type), key, problems));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static void Field(IncrementalHash hash, string? value)
    {
        if (value is null)
        {
            hash.AppendData("-\n"u8);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        hash.AppendData(Encoding.ASCII.GetBytes($"{bytes.Length}:"));
        hash.AppendData(bytes);
        hash.AppendData("\n"u8);
    }
}
