using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Relance.Cli;
using Relance.Integration.Tests.Infrastructure;

namespace Relance.Integration.Tests.Audit;

/// <summary>
/// <c>relance projections rebuild</c> on the three stores of a case driven to the formal notice by the real services:
/// every projection matches its events; a case document altered directly in PostgreSQL is caught by --check (which
/// leaves it as it is), then restored by the rebuild, which the API shows.
/// </summary>
[Collection(AuditCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ProjectionRebuildTests(TestInfrastructure infrastructure)
{
    static readonly string[] Projections = ["Invoice", "Customer", "DunningCase", "PublishedPlan", "Correspondence", "InvoiceDocumentSet"];

    [Fact]
    public async Task The_projections_match_their_events_and_a_document_altered_by_hand_is_reported_then_rebuilt()
    {
        await using var s = await FormalNoticeCase.DriveAsync(infrastructure);
        string[] stores =
        [
            "--invoice-db", s.System.ConnectionString(Service.Invoice),
            "--reminder-db", s.System.ConnectionString(Service.Reminder),
            "--correspondence-db", s.System.ConnectionString(Service.Correspondence),
        ];

        var (exit, report, text) = await Rebuild([.. stores, "--check", "--json"]);
        Assert.True(exit == 0, text);
        var projections = report.GetProperty("stores").EnumerateArray().SelectMany(store => store.GetProperty("projections").EnumerateArray()).ToList();
        Assert.Equal(Projections, projections.Select(p => p.GetProperty("projection").GetString()));
        Assert.All(projections, p =>
        {
            // The case's invoice came with no document from the ERP: its InvoiceDocumentSet, rightly, does not exist.
            if (p.GetProperty("projection").GetString() != "InvoiceDocumentSet")
                Assert.True(p.GetProperty("documentsBefore").GetInt64() > 0, $"{p.GetProperty("projection")} has no document");
            Assert.Equal(p.GetProperty("documentsBefore").GetInt64(), p.GetProperty("comparison").GetProperty("identical").GetInt64());
            Assert.True(p.GetProperty("eventsApplied").GetInt64() > 0);
        });

        // Someone lowers what the debtor owes, in the case's document only: its events still say 1,200 €.
        var caseId = $"ACME/{s.Customer}/EUR";
        Assert.Equal(FormalNoticeCase.Amount, await OutstandingShown(s));
        await AlterAsync(s, caseId);
        Assert.Equal(1m, await OutstandingShown(s));

        (exit, report, text) = await Rebuild([.. stores, "--service", "reminder", "--check", "--json"]);
        Assert.Equal(1, exit);
        var dunningCase = report.GetProperty("stores")[0].GetProperty("projections")[0];
        var changed = Assert.Single(dunningCase.GetProperty("comparison").GetProperty("changed").EnumerateArray());
        Assert.Equal(caseId, changed.GetProperty("id").GetString());
        Assert.Equal("$.OpenInvoices[0].Outstanding", changed.GetProperty("path").GetString());
        Assert.Equal("1.00", changed.GetProperty("stored").GetString());
        Assert.Equal(1m, await OutstandingShown(s)); // --check replaced nothing

        (exit, _, text) = await Rebuild([.. stores, "--service", "reminder", "--projection", "DunningCase"]);
        Assert.Equal(1, exit); // the store held a document its events do not make: reported, and rebuilt
        Assert.Contains($"changed {caseId} at $.OpenInvoices[0].Outstanding: stored 1.00", text);
        Assert.Equal(FormalNoticeCase.Amount, await OutstandingShown(s));

        (exit, _, text) = await Rebuild([.. stores, "--check"]);
        Assert.True(exit == 0, text);
        Assert.Contains("result: every projection matches its events.", text);

        // The rebuilt document carries the stream's version again: a decision taken on it (If-Match) still goes through.
        var read = await s.Reminder.GetAsync(s.CasePath);
        var events = await s.Events();
        Assert.Equal($"\"{events.Length}\"", read.Headers.ETag!.Tag);
    }

    static async Task<(int Exit, JsonElement Report, string Text)> Rebuild(string[] options)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await RelanceCli.RunAsync(["projections", "rebuild", .. options], output, error);
        var text = output + error.ToString();
        var report = options.Contains("--json") && exit != 2 ? JsonDocument.Parse(output.ToString()).RootElement.Clone() : default;
        return (exit, report, text);
    }

    static async Task<decimal> OutstandingShown(Scenarios.DunningScenario s)
    {
        var found = await s.Reminder.GetFromJsonAsync<JsonElement>(s.CasePath);
        return found.GetProperty("openInvoices")[0].GetProperty("outstanding").GetDecimal();
    }

    static async Task AlterAsync(Scenarios.DunningScenario s, string caseId)
    {
        await using var connection = new NpgsqlConnection(s.System.ConnectionString(Service.Reminder));
        await connection.OpenAsync();
        await using var update = new NpgsqlCommand(
            "UPDATE relance.mt_doc_dunningcase SET data = jsonb_set(data, '{OpenInvoices,0,Outstanding}', '1.00'::jsonb) WHERE id = $1", connection);
        update.Parameters.AddWithValue(caseId);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }
}
