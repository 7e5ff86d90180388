using System.Security.Cryptography;
using Marten;
using Marten.Services;
using Npgsql;
using Relance.ReminderService.DunningCases;
using Relance.ServiceDefaults.Audit.PersonalData;
using Relance.ServiceDefaults.Audit.Sealing;

namespace Relance.Cli.Erasing;

/// <summary>
/// Erases a customer's personal data from one store, in one transaction: each personal value of its streams' events
/// replaced by its mask (<see cref="ErasureMask"/>, under the rules version its seal used, so the seals still verify), the
/// documents projected from those streams rebuilt from the masked events, the documents kept beside them masked by their
/// own rules, the streams' keys deleted, and the erasure recorded. Done again, it masks nothing more.
/// </summary>
public static class Erasure
{
    /// <summary>
    /// The customer's cases that are not closed (open, or handed to litigation): while a claim is pursued its
    /// evidence, contact details included, is needed to prove who was reminded where (GDPR art. 17(3)(e)).
    /// </summary>
    public static async Task<IReadOnlyList<DunningCase>> UnclosedCasesAsync(
        DocumentStore reminder, NpgsqlConnection connection, string companyId, string customerId, CancellationToken cancellation)
    {
        var streams = await SubjectStreams.Of(StoreName.Reminder).FindAsync(connection, companyId, customerId, cancellation);
        if (streams.Length == 0) return [];
        await using var session = reminder.QuerySession();
        return [.. (await session.LoadManyAsync<DunningCase>(cancellation, streams)).Where(c => c.Status != CaseStatus.Closed)];
    }

    public static async Task<ErasureRecord> EraseAsync(
        DocumentStore store, StoreName name, string connectionString, string companyId, string customerId, string by, string reason,
        bool recordWhenNothingLeft, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation);
        await SealSchema.EnsureAsync(connection, cancellation);
        await ErasureLedger.EnsureAsync(connection, cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        // Before reading what it masks: the sealer, which takes it too, never seals clear text read before the masks.
        await SealLock.TakeAsync(connection, transaction, cancellation);

        var subject = SubjectStreams.Of(name);
        var streams = await subject.FindAsync(connection, companyId, customerId, cancellation);
        var (eventsChanged, valuesMasked) = await MaskEventsAsync(connection, streams, cancellation);
        var documentsMasked = await MaskDocumentsAsync(connection, companyId, customerId, cancellation);

        await using (var session = store.LightweightSession(SessionOptions.ForTransaction(transaction)))
        {
            foreach (var stream in streams) await subject.Reproject(session, stream, cancellation);
            await session.SaveChangesAsync(cancellation);
        }
        var keysDeleted = await StreamKeys.DeleteAsync(connection, streams, cancellation);

        var record = new ErasureRecord(Guid.NewGuid(), name.ToString().ToLowerInvariant(), companyId, customerId, DateTimeOffset.UtcNow, by, reason,
            streams, eventsChanged, valuesMasked, streams.Length, documentsMasked, keysDeleted);
        if (recordWhenNothingLeft || valuesMasked + documentsMasked > 0)
            await ErasureLedger.RecordAsync(connection, record, cancellation);
        await transaction.CommitAsync(cancellation);
        return record;
    }

    static async Task<(int Events, int Values)> MaskEventsAsync(NpgsqlConnection connection, string[] streams, CancellationToken cancellation)
    {
        if (streams.Length == 0) return (0, 0);
        var types = PersonalDataRules.Versions.SelectMany(v => v.Events.Keys).Distinct().ToArray();
        var rows = new List<(long Sequence, string Stream, IReadOnlyList<PersonalPath> Paths, string Data)>();
        await using (var read = new NpgsqlCommand("""
            SELECT e.seq_id, e.stream_id, e.type, e.data::text, s.rules
            FROM relance.mt_events e LEFT JOIN relance.audit_event_seals s ON s.seq_id = e.seq_id
            WHERE e.stream_id = ANY($1) AND e.type = ANY($2)
            """, connection) { Parameters = { new() { Value = streams }, new() { Value = types } } })
        await using (var reader = await read.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                // The rules the event was sealed under, so that its hashed form stays what was sealed; the current ones when not sealed yet.
                var rules = reader.IsDBNull(4) ? PersonalDataRules.Current : PersonalDataRules.Version(reader.GetInt32(4));
                rows.Add((reader.GetInt64(0), reader.GetString(1), rules.ForEvent(reader.GetString(2)), reader.GetString(3)));
            }
        }
        // Keys only for the streams with something left to mask: a stream erased already keeps none.
        var pending = rows.Where(r => ErasureMask.Erase(r.Data, r.Paths, new byte[32]).Masked > 0).ToList();
        if (pending.Count == 0) return (0, 0);
        var keys = await StreamKeys.GetOrCreateAsync(connection, [.. pending.Select(r => r.Stream).Distinct()], cancellation);
        var changed = new List<(long Sequence, string Data)>();
        var values = 0;
        foreach (var row in pending)
        {
            var (data, masked) = ErasureMask.Erase(row.Data, row.Paths, keys[row.Stream]);
            changed.Add((row.Sequence, data));
            values += masked;
        }
        if (changed.Count > 0)
        {
            await using var update = new NpgsqlCommand("""
                UPDATE relance.mt_events e SET data = u.data::jsonb
                FROM unnest($1::bigint[], $2::text[]) AS u(seq_id, data) WHERE e.seq_id = u.seq_id
                """, connection) { Parameters = { new() { Value = changed.Select(c => c.Sequence).ToArray() }, new() { Value = changed.Select(c => c.Data).ToArray() } } };
            await update.ExecuteNonQueryAsync(cancellation);
        }
        return (changed.Count, values);
    }

    /// <summary>The documents kept beside the events (a customer's profile): masked by their rules, with a key used once and forgotten.</summary>
    static async Task<int> MaskDocumentsAsync(NpgsqlConnection connection, string companyId, string customerId, CancellationToken cancellation)
    {
        var masked = 0;
        foreach (var document in PersonalDataRules.Current.Documents.Values)
        {
            var table = $"relance.mt_doc_{document.Table}";
            await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{table}') IS NOT NULL", connection))
                if (!(bool)(await exists.ExecuteScalarAsync(cancellation))!) continue;
            var id = document.IdOf(companyId, customerId);
            string? data;
            await using (var read = new NpgsqlCommand($"SELECT data::text FROM {table} WHERE id = $1", connection) { Parameters = { new() { Value = id } } })
                data = (string?)await read.ExecuteScalarAsync(cancellation);
            if (data is null) continue;
            var (erased, count) = ErasureMask.Erase(data, document.Paths, RandomNumberGenerator.GetBytes(32));
            if (count == 0) continue;
            await using var update = new NpgsqlCommand($"UPDATE {table} SET data = $2::jsonb WHERE id = $1", connection)
            {
                Parameters = { new() { Value = id }, new() { Value = erased } },
            };
            await update.ExecuteNonQueryAsync(cancellation);
            masked++;
        }
        return masked;
    }
}
