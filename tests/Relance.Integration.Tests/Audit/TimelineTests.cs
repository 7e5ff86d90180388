using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Relance.Cli;
using Relance.Integration.Tests.Infrastructure;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests.Audit;

/// <summary>
/// The formal-notice case read back by an auditor: its timeline over HTTP and by the relance command line, and the
/// case as it was known when the formal notice was asked for, and before the first reminder.
/// </summary>
[Collection(AuditCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class TimelineTests(TestInfrastructure infrastructure)
{
    [Fact]
    public async Task The_timeline_and_the_past_states_tell_what_was_done_when_by_whom_with_which_proof_and_what_was_known()
    {
        await using var s = await FormalNoticeCase.DriveAsync(infrastructure);
        var auditor = s.System.AsUser(Service.Reminder, "audrey@acme.test", [RelanceRoles.Auditor], "ACME");
        var caseAddress = $"ACME/{s.Customer}/EUR";
        var entries = await Timeline(auditor, $"/audit/cases/{caseAddress}/timeline");

        // In time order, the invoice before the case it opened.
        Assert.Equal(entries.Select(At).Order(), entries.Select(At));
        var issued = Find(entries, e => ServiceOf(e) == "invoice" && Type(e) == "invoice_issued", "the invoice issued");
        var opened = Find(entries, e => Type(e) == "dunning_case_opened", "the case opened");
        Assert.True(issued < opened);
        Assert.Equal(["F-1"], entries[issued].GetProperty("invoices").EnumerateArray().Select(i => i.GetString()));
        Assert.StartsWith("erp:", Actor(entries[issued]));

        // Each written reminder: asked for by the case, rendered, then sent (or queued for posting) on its channel, with
        // the SHA-256 of exactly the bytes the Correspondence service keeps.
        var correspondence = s.System.AsUser(Service.Correspondence, "audrey@acme.test", [RelanceRoles.Auditor], "ACME");
        var written = entries.Select((e, i) => (e, i)).Where(x => Type(x.e) == "reminder_requested" && x.e.GetProperty("channel").GetString() != "phone").ToList();
        Assert.True(written.Count >= 3, $"only {written.Count} written reminders in the timeline");
        foreach (var (request, at) in written)
        {
            var id = request.GetProperty("data").GetProperty("ReminderId").GetString()!;
            var channel = request.GetProperty("channel").GetString();
            var rendered = Find(entries, e => Stream(e) == id && Type(e) == "correspondence_rendered", $"{id} rendered");
            var dispatched = Find(entries, e => Stream(e) == id && Type(e) is "correspondence_sent" or "letter_queued_for_posting", $"{id} sent");
            Assert.True(at < rendered && rendered < dispatched, $"{id}: requested {at}, rendered {rendered}, sent {dispatched}");
            Assert.Equal(channel, entries[dispatched].GetProperty("channel").GetString());
            Assert.Contains($"sent by {channel}", entries[dispatched].GetProperty("summary").GetString());
            var sha256 = Proof(entries[rendered], "contentSha256");
            Assert.Equal(sha256, Proof(entries[dispatched], "contentSha256"));
            var bytes = await correspondence.GetByteArrayAsync($"/correspondences/{id}/content");
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), sha256);
        }

        // The formal notice: approved by the manager, then asked for by registered letter, posted, acknowledged.
        var approved = Find(entries, e => Type(e) == "action_approved", "the approval");
        Assert.Contains("manager@acme.test", Actor(entries[approved]));
        Assert.Contains("formal-notice approved", entries[approved].GetProperty("summary").GetString());
        var (formalNotice, noticeAt) = written.Single(x => x.e.GetProperty("data").GetProperty("Step").GetString() == "formal-notice");
        Assert.Equal("registered-letter", formalNotice.GetProperty("channel").GetString());
        var posted = Find(entries, e => ServiceOf(e) == "correspondence" && Type(e) == "letter_posted", "the posting");
        Assert.Equal("1A01234567890", Proof(entries[posted], "trackingNumber"));
        var acknowledged = Find(entries, e => ServiceOf(e) == "correspondence" && Type(e) == "letter_receipt_acknowledged", "the acknowledgment");
        Assert.Equal("letter acknowledged 2026-05-16", entries[acknowledged].GetProperty("summary").GetString());
        Assert.Equal("2026-05-16", Proof(entries[acknowledged], "acknowledgedOn"));
        Assert.Equal("registered-letter", entries[acknowledged].GetProperty("channel").GetString());
        Assert.True(approved < noticeAt && noticeAt < posted && posted < acknowledged);

        // The invoice's and the customer's timelines hold the same story.
        var invoice = await Timeline(auditor, "/audit/invoices/ACME/F-1/timeline");
        Assert.Contains(invoice, e => ServiceOf(e) == "correspondence" && Type(e) == "letter_receipt_acknowledged");
        Assert.Contains(invoice, e => Type(e) == "action_approved" || Type(e) == "reminder_requested");
        var customer = await Timeline(auditor, $"/audit/customers/ACME/{s.Customer}/timeline");
        Assert.Equal(entries.Select(Key), customer.Select(Key));
        // Up to a moment: what came after it is left out (the acknowledgment, two days later).
        var untilNotice = await Timeline(auditor, $"/audit/cases/{caseAddress}/timeline?until={Uri.EscapeDataString(At(formalNotice).ToString("O"))}");
        Assert.DoesNotContain(untilNotice, e => Type(e) == "letter_receipt_acknowledged");
        Assert.True(untilNotice.Count < entries.Count);
        Assert.Contains(untilNotice, e => Key(e) == Key(formalNotice));

        // Collectors do not audit; nobody reads another company's history.
        var collector = s.System.AsUser(Service.Reminder, "carla@acme.test", [RelanceRoles.Collector], "ACME");
        Assert.Equal(HttpStatusCode.Forbidden, (await collector.GetAsync($"/audit/cases/{caseAddress}/timeline")).StatusCode);
        var otherCollector = s.System.AsUser(Service.Reminder, "otto@globex.test", [RelanceRoles.Collector, RelanceRoles.Auditor], "GLOBEX");
        Assert.Equal(HttpStatusCode.Forbidden, (await otherCollector.GetAsync($"/audit/cases/{caseAddress}/timeline")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherCollector.GetAsync($"/audit/cases/{caseAddress}/as-of?version=1")).StatusCode);

        // The command line reads the same timeline from the stores directly.
        var (cliJson, _) = await Cli(s, "audit", "timeline", "--case", caseAddress, "--json");
        var fromCli = JsonDocument.Parse(cliJson).RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(entries.Select(e => (Key(e), e.GetProperty("summary").GetString())), fromCli.Select(e => (Key(e), e.GetProperty("summary").GetString())));
        var (text, _) = await Cli(s, "audit", "timeline", "--case", caseAddress);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(entries.Count + 1, lines.Length);
        Assert.Contains(lines, l => l.Contains("trackingNumber=1A01234567890") && l.Contains("correspondence"));
        Assert.Contains(lines, l => l.Contains("letter acknowledged 2026-05-16"));

        // What was known when the formal notice was asked for: its level, the 1,200 € owed, the penalties and indemnity claimed.
        var reminderEvents = s.System.AsUser(Service.Reminder, "audrey@acme.test", [RelanceRoles.Auditor], "ACME");
        var asOfNotice = await reminderEvents.GetFromJsonAsync<JsonElement>(
            $"/audit/cases/{caseAddress}/as-of?at={Uri.EscapeDataString(At(formalNotice).ToString("O"))}");
        Assert.Equal("formal-notice", asOfNotice.GetProperty("level").GetProperty("step").GetString());
        Assert.Equal(1200m, asOfNotice.GetProperty("totalOutstanding").GetDecimal());
        var owed = Assert.Single(asOfNotice.GetProperty("invoices").EnumerateArray());
        Assert.Equal(1200m, owed.GetProperty("outstanding").GetDecimal());
        Assert.True(owed.GetProperty("penalty").GetDecimal() > 0);
        Assert.Equal(40m, owed.GetProperty("recoveryIndemnity").GetDecimal());
        var claims = asOfNotice.GetProperty("lastClaims");
        Assert.Equal("formal-notice", claims.GetProperty("step").GetString());
        Assert.Equal(40m, claims.GetProperty("recoveryIndemnities").GetDecimal());
        Assert.True(claims.GetProperty("penalties").GetDecimal() > 0);
        Assert.True(asOfNotice.GetProperty("lastEventApplied").GetProperty("version").GetInt64() >= Version(formalNotice));
        Assert.True(asOfNotice.GetProperty("eventsNotYetKnown").GetInt32() > 0);
        // Not yet acknowledged then (16 May).
        Assert.DoesNotContain(asOfNotice.GetProperty("letters").EnumerateArray(), l => l.GetProperty("acknowledgedOn").ValueKind != JsonValueKind.Null);
        Assert.Equal("2026-05-14", asOfNotice.GetProperty("owedOn").GetString());

        // And before the first reminder: nothing asked for yet.
        var firstReminder = Version(entries.First(e => Type(e) == "reminder_requested"));
        var before = await reminderEvents.GetFromJsonAsync<JsonElement>($"/audit/cases/{caseAddress}/as-of?version={firstReminder - 1}");
        Assert.Empty(before.GetProperty("reminders").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("level").ValueKind);
        Assert.Equal(firstReminder - 1, before.GetProperty("lastEventApplied").GetProperty("version").GetInt64());
        Assert.Equal(1200m, before.GetProperty("totalOutstanding").GetDecimal());
        var (asOfText, _) = await Cli(s, "audit", "as-of", "--case", caseAddress, "--version", (firstReminder - 1).ToString());
        Assert.Contains("Reminders: none yet", asOfText);
        Assert.Contains("1,200.00 €", asOfText);
        Assert.Equal(HttpStatusCode.BadRequest, (await reminderEvents.GetAsync($"/audit/cases/{caseAddress}/as-of")).StatusCode);
    }

    static async Task<List<JsonElement>> Timeline(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var view = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. view.GetProperty("entries").EnumerateArray()];
    }

    static async Task<(string Output, string Error)> Cli(Scenarios.DunningScenario s, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await RelanceCli.RunAsync(
            [.. args,
             "--invoice-db", s.System.ConnectionString(Service.Invoice),
             "--reminder-db", s.System.ConnectionString(Service.Reminder),
             "--correspondence-db", s.System.ConnectionString(Service.Correspondence)],
            output, error);
        Assert.True(exit == 0, $"relance {string.Join(' ', args)} exited {exit}: {error}");
        return (output.ToString(), error.ToString());
    }

    static int Find(List<JsonElement> entries, Func<JsonElement, bool> match, string what)
    {
        var index = entries.FindIndex(e => match(e));
        Assert.True(index >= 0, $"{what} is not in the timeline");
        return index;
    }

    static DateTimeOffset At(JsonElement e) => e.GetProperty("at").GetDateTimeOffset();
    static string? ServiceOf(JsonElement e) => e.GetProperty("service").GetString();
    static string? Type(JsonElement e) => e.GetProperty("type").GetString();
    static string? Stream(JsonElement e) => e.GetProperty("stream").GetString();
    static string? Actor(JsonElement e) => e.GetProperty("actor").GetString();
    static long Version(JsonElement e) => e.GetProperty("version").GetInt64();
    static string Key(JsonElement e) => $"{ServiceOf(e)}:{e.GetProperty("sequence").GetInt64()}";
    static string? Proof(JsonElement e, string name) => e.GetProperty("proofs").TryGetProperty(name, out var value) ? value.GetString() : null;
}
