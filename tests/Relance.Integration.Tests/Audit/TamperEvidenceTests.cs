using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Relance.ReminderService.DunningCases;
using Xunit.Abstractions;
using Relance.Cli;
using Relance.Integration.Tests.Infrastructure;
using Relance.Integration.Tests.Scenarios;

namespace Relance.Integration.Tests.Audit;

/// <summary>
/// The formal-notice case's events, sealed by the services as they run, then altered directly in PostgreSQL as someone
/// with access to the database could: <c>relance audit verify</c> names what was changed, removed or slipped in.
/// </summary>
[Collection(AuditCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class TamperEvidenceTests(TestInfrastructure infrastructure, ITestOutputHelper output)
{
    [Fact]
    public async Task Verify_finds_an_event_altered_deleted_or_inserted_in_the_database_and_nothing_once_restored()
    {
        await using var s = await FormalNoticeCase.DriveAsync(infrastructure);
        await SealedCase.UntilSealedAsync(s);
        var caseStream = $"ACME/{s.Customer}/EUR";

        var (exit, report) = await SealedCase.VerifyAsync(s);
        Assert.True(exit == 0, report.GetRawText());
        foreach (var store in report.GetProperty("stores").EnumerateArray())
        {
            Assert.True(store.GetProperty("sealed").GetInt64() > 0, $"{store.GetProperty("service")} sealed nothing");
            Assert.Equal(0, store.GetProperty("notYetSealed").GetInt64());
        }
        var head = Store(report, "reminder").GetProperty("head").GetString()!;
        output.WriteLine((await SealedCase.RunAsync(s, "audit", "verify")).Output);

        // A stream's head is labelled so, and compared only with a verify of that stream.
        var streamHead = Store((await SealedCase.VerifyAsync(s, "--service", "reminder", "--stream", caseStream)).Report, "reminder").GetProperty("head").GetString()!;
        Assert.StartsWith("stream:", streamHead);
        Assert.Equal(0, (await SealedCase.VerifyAsync(s, "--service", "reminder", "--stream", caseStream, "--expect-head", streamHead)).Exit);
        Assert.Equal(2, (await SealedCase.RunAsync(s, "audit", "verify", "--service", "reminder", "--expect-head", streamHead)).Exit);

        // An event's data altered, then put back as it was.
        var (formalNotice, version) = await SealedCase.ScalarAsync<(long, long)>(s, Service.Reminder,
            "SELECT seq_id, version FROM relance.mt_events WHERE stream_id = $1 AND type = 'reminder_requested' AND data->>'Step' = 'formal-notice'", caseStream);
        var original = await SealedCase.ScalarAsync<string>(s, Service.Reminder, "SELECT data::text FROM relance.mt_events WHERE seq_id = $1", formalNotice);
        await SealedCase.ExecuteAsync(s, Service.Reminder,
            """UPDATE relance.mt_events SET data = jsonb_set(data, '{Reason}', '"sent at the debtor''s own request"') WHERE seq_id = $1""", formalNotice);
        output.WriteLine((await SealedCase.RunAsync(s, "audit", "verify", "--service", "reminder")).Output);
        (exit, report) = await SealedCase.VerifyAsync(s, "--service", "reminder");
        Assert.Equal(1, exit);
        Assert.Equal(new[] { ("MODIFIED", caseStream, version) }, Problems(report));
        await SealedCase.ExecuteAsync(s, Service.Reminder, "UPDATE relance.mt_events SET data = $2::jsonb WHERE seq_id = $1", formalNotice, original);
        (exit, report) = await SealedCase.VerifyAsync(s, "--service", "reminder", "--expect-head", head);
        Assert.True(exit == 0, report.GetRawText());

        // The letter's posting removed from the correspondence, then put back.
        var (posted, postedStream, postedVersion) = await SealedCase.ScalarAsync<(long, string, long)>(s, Service.Correspondence,
            "SELECT seq_id, stream_id, version FROM relance.mt_events WHERE type = 'letter_posted' ORDER BY seq_id LIMIT 1");
        await SealedCase.ExecuteAsync(s, Service.Correspondence,
            "CREATE TABLE relance.tampered AS SELECT * FROM relance.mt_events WHERE seq_id = $1; DELETE FROM relance.mt_events WHERE seq_id = $1", posted);
        (exit, report) = await SealedCase.VerifyAsync(s, "--service", "correspondence");
        Assert.Equal(1, exit);
        Assert.Equal(new[] { ("DELETED", postedStream, postedVersion) }, Problems(report));
        await SealedCase.ExecuteAsync(s, Service.Correspondence, "INSERT INTO relance.mt_events SELECT * FROM relance.tampered; DROP TABLE relance.tampered");
        Assert.Equal(0, (await SealedCase.VerifyAsync(s, "--service", "correspondence")).Exit);

        // The case's last event removed with its seal: each chain still holds, but Marten's stream version still counts it.
        var (last, lastVersion) = await SealedCase.ScalarAsync<(long, long)>(s, Service.Reminder,
            "SELECT seq_id, version FROM relance.mt_events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1", caseStream);
        await SealedCase.ExecuteAsync(s, Service.Reminder,
            "CREATE TABLE relance.tampered AS SELECT * FROM relance.mt_events WHERE seq_id = $1; DELETE FROM relance.mt_events WHERE seq_id = $1; "
            + "CREATE TABLE relance.tampered_seal AS SELECT * FROM relance.audit_event_seals WHERE seq_id = $1; DELETE FROM relance.audit_event_seals WHERE seq_id = $1", last);
        (exit, report) = await SealedCase.VerifyAsync(s, "--service", "reminder");
        Assert.Equal(1, exit);
        Assert.Equal(new[] { ("DELETED", caseStream, lastVersion) }, Problems(report));
        (exit, report) = await SealedCase.VerifyAsync(s, "--service", "reminder", "--expect-head", head);
        Assert.Equal(1, exit);
        Assert.False(Store(report, "reminder").GetProperty("headAsOf").GetProperty("matches").GetBoolean());
        output.WriteLine((await SealedCase.RunAsync(s, "audit", "verify", "--service", "reminder")).Output);
        await SealedCase.ExecuteAsync(s, Service.Reminder,
            "INSERT INTO relance.mt_events SELECT * FROM relance.tampered; INSERT INTO relance.audit_event_seals SELECT * FROM relance.tampered_seal; "
            + "DROP TABLE relance.tampered; DROP TABLE relance.tampered_seal");
        Assert.Equal(0, (await SealedCase.VerifyAsync(s, "--service", "reminder", "--expect-head", head)).Exit);

        // A note forged into the case's history: the events from version 3 on moved up one to make room for it.
        await SealedCase.ExecuteAsync(s, Service.Reminder,
            """
            UPDATE relance.mt_events SET version = -version WHERE stream_id = $1 AND version >= 3;
            UPDATE relance.mt_events SET version = 1 - version WHERE stream_id = $1 AND version < 0;
            INSERT INTO relance.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, causation_id, headers, user_name, is_archived)
            SELECT nextval('relance.mt_events_sequence'), gen_random_uuid(), stream_id, 3,
                jsonb_build_object('NoteId', gen_random_uuid(), 'Text', 'The customer agreed to the penalties by phone.', 'By', 'user:mallory@acme.test', 'At', timestamp),
                'case_note_added', timestamp, tenant_id, 'Relance.ReminderService.DunningCases.CaseNoteAdded, Relance.Reminder', correlation_id, causation_id, headers, 'user:mallory@acme.test', false
            FROM relance.mt_events WHERE stream_id = $1 AND version = 2
            """, caseStream);
        (exit, report) = await SealedCase.VerifyAsync(s, "--service", "reminder", "--stream", caseStream);
        Assert.Equal(1, exit);
        var problems = Problems(report);
        Assert.Contains(("INSERTED", caseStream, 3L), problems);
        Assert.All(problems, p => Assert.Equal(caseStream, p.Stream));
        Assert.DoesNotContain(problems, p => p.Version < 3);

        var text = await SealedCase.RunAsync(s, "audit", "verify", "--service", "reminder", "--stream", caseStream);
        Assert.Equal(1, text.Exit);
        Assert.Contains($"INSERTED {caseStream} v3", text.Output.Replace("  ", " ").Replace("  ", " "));
        Assert.Contains("verdict: TAMPERING FOUND", text.Output);
        output.WriteLine(text.Output);
    }

    [Fact]
    public async Task An_event_committed_after_the_sealer_went_past_its_sequence_is_sealed_and_tombstones_are_not()
    {
        await using var s = await FormalNoticeCase.DriveAsync(infrastructure);
        await SealedCase.UntilSealedAsync(s);
        var caseStream = $"ACME/{s.Customer}/EUR";

        // A transaction takes sequence number `late` and is slow to commit; an event after it commits meanwhile,
        // and the daemon, after waiting a few seconds, goes past the empty number: the sealer remembers it.
        var late = await SealedCase.ScalarAsync<long>(s, Service.Reminder, "SELECT nextval('relance.mt_events_sequence')");
        var before = await AppendNoteAsync(s, caseStream, "noted while another transaction is open");
        await Eventually.Until(async () => await SealedCase.ScalarAsync<bool>(s, Service.Reminder,
            "SELECT EXISTS (SELECT 1 FROM relance.audit_seal_gaps WHERE seq_id = $1)", late), TimeSpan.FromSeconds(30), "the gap remembered");

        // The slow transaction commits its event (the stream's versions are the test's convenience: it shares the stream).
        await SealedCase.ExecuteAsync(s, Service.Reminder,
            """
            INSERT INTO relance.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, causation_id, headers, user_name, is_archived)
            SELECT $2, gen_random_uuid(), stream_id, version + 1,
                jsonb_build_object('NoteId', gen_random_uuid(), 'Text', 'committed late', 'By', 'user:slow@acme.test', 'At', timestamp),
                'case_note_added', now(), tenant_id, mt_dotnet_type, correlation_id, causation_id, headers, 'user:slow@acme.test', false
            FROM relance.mt_events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1;
            UPDATE relance.mt_streams SET version = version + 1 WHERE id = $1
            """, caseStream, late);
        // Marten's placeholders for a failed commit's sequence numbers, their versions being those numbers.
        await SealedCase.ExecuteAsync(s, Service.Reminder,
            """
            INSERT INTO relance.mt_streams (id, version, tenant_id) VALUES ('mt_tombstone', 0, '*DEFAULT*') ON CONFLICT DO NOTHING;
            INSERT INTO relance.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived)
            SELECT n, gen_random_uuid(), 'mt_tombstone', n, '{}'::jsonb, 'tombstone', now(), '*DEFAULT*', 'Marten.Events.Operations.Tombstone, Marten', false
            FROM (SELECT nextval('relance.mt_events_sequence') AS n FROM generate_series(1, 2)) t
            """);
        var after = await AppendNoteAsync(s, caseStream, "noted after the late commit");
        await SealedCase.UntilSealedAsync(s);

        var (exit, report) = await SealedCase.VerifyAsync(s, "--service", "reminder");
        Assert.True(exit == 0, report.GetRawText());
        var chain = await SealedCase.ScalarAsync<bool>(s, Service.Reminder,
            """
            SELECT a.hash = l.previous_hash AND l.hash = b.previous_hash AND l.seq_id = $4
            FROM relance.audit_event_seals a, relance.audit_event_seals l, relance.audit_event_seals b
            WHERE a.stream_id = $1 AND a.version = $2 AND l.stream_id = $1 AND l.version = $2 + 1 AND b.stream_id = $1 AND b.version = $3
            """, caseStream, before, after, late);
        Assert.True(chain, "the late event is sealed between its neighbours, linked to both");
        Assert.Equal(after, before + 2);
        Assert.Equal(0L, await SealedCase.ScalarAsync<long>(s, Service.Reminder,
            "SELECT count(*) FROM relance.audit_event_seals WHERE stream_id = 'mt_tombstone'"));
        Assert.False(await SealedCase.ScalarAsync<bool>(s, Service.Reminder, "SELECT EXISTS (SELECT 1 FROM relance.audit_seal_gaps WHERE seq_id = $1)", late));
    }

    /// <summary>Appends a note to the case through Marten, as the service does; returns its version.</summary>
    static async Task<long> AppendNoteAsync(DunningScenario s, string stream, string text)
    {
        var store = s.System.Services(Service.Reminder).GetRequiredService<IDocumentStore>();
        var note = Guid.NewGuid();
        await using (var session = store.LightweightSession())
        {
            session.Events.Append(stream, new CaseNoteAdded(note, text, "user:auditor@acme.test", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        return await SealedCase.ScalarAsync<long>(s, Service.Reminder,
            "SELECT version FROM relance.mt_events WHERE type = 'case_note_added' AND data->>'NoteId' = $1", note.ToString());
    }

    static JsonElement Store(JsonElement report, string service) =>
        report.GetProperty("stores").EnumerateArray().Single(s => s.GetProperty("service").GetString() == service);

    static List<(string Kind, string Stream, long Version)> Problems(JsonElement report) =>
        [.. report.GetProperty("stores").EnumerateArray().SelectMany(s => s.GetProperty("problems").EnumerateArray())
            .Select(p => (p.GetProperty("kind").GetString()!, p.GetProperty("stream").GetString()!, p.GetProperty("version").GetInt64()))];
}

/// <summary>The audit tests' access to a scenario's databases and to the <c>relance</c> command line pointed at them.</summary>
static class SealedCase
{
    public static readonly Service[] Stores = [Service.Invoice, Service.Reminder, Service.Correspondence];

    public static async Task<(int Exit, string Output, string Error)> RunAsync(DunningScenario s, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        string[] stores =
        [
            "--invoice-db", s.System.ConnectionString(Service.Invoice),
            "--reminder-db", s.System.ConnectionString(Service.Reminder),
            "--correspondence-db", s.System.ConnectionString(Service.Correspondence),
        ];
        var exit = await RelanceCli.RunAsync([.. args, .. stores], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public static async Task<(int Exit, JsonElement Report)> VerifyAsync(DunningScenario s, params string[] args)
    {
        var (exit, output, error) = await RunAsync(s, ["audit", "verify", "--json", .. args]);
        Assert.True(exit is 0 or 1, $"verify exited {exit}: {error}");
        return (exit, JsonSerializer.Deserialize<JsonElement>(output));
    }

    /// <summary>Every event of the three stores has its seal (the sealer runs beside the other subscriptions).</summary>
    public static Task UntilSealedAsync(DunningScenario s) => Eventually.Until(async () =>
    {
        foreach (var store in Stores)
            if (!await ScalarAsync<bool>(s, store,
                    """
                    SELECT to_regclass('relance.audit_event_seals') IS NOT NULL
                       AND (SELECT count(*) FROM relance.mt_events WHERE stream_id <> 'mt_tombstone') = (SELECT count(*) FROM relance.audit_event_seals)
                    """))
                return false;
        return true;
    }, TimeSpan.FromSeconds(30), "every event sealed");

    public static async Task<T> ScalarAsync<T>(DunningScenario s, Service service, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(s.System.ConnectionString(service));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.Add(new() { Value = p });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no row for: {sql}");
        object?[] values = [.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i))];
        return values.Length == 1 ? (T)values[0]! : (T)Activator.CreateInstance(typeof(T), values)!;
    }

    /// <summary>Statements separated by "; " or ";" and a new line, each given the same parameters, in one transaction.</summary>
    public static async Task ExecuteAsync(DunningScenario s, Service service, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(s.System.ConnectionString(service));
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var statement in sql.Split([";\n", "; "], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var command = new NpgsqlBatchCommand(statement.TrimEnd(';'));
            foreach (var p in parameters.Take(statement.Contains("$2") ? 2 : statement.Contains("$1") ? 1 : 0)) command.Parameters.Add(new() { Value = p });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync();
    }
}
