using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Relance.Contracts.Correspondence;
using Relance.Contracts.Postal;
using Relance.Integration.Tests.Infrastructure;
using Relance.ServiceDefaults;
using Relance.Tests.Shared;

namespace Relance.Integration.Tests;

/// <summary>
/// Letters through the postal provider on the real service, broker and database: a formal notice lands in the
/// postal folder as the PDF recorded and its manifest; its tracking comes back by HTTP and by plain-JSON message,
/// is recorded once, announced to the Reminder service, and a bad tracking message is answered with its reasons
/// and kept in the error queue.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PostalTrackingTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    readonly ConcurrentQueue<ReminderSent> _sent = new();
    readonly ConcurrentQueue<object> _tracked = new();
    readonly ConcurrentQueue<ReminderNotDelivered> _notDelivered = new();
    RelanceSystem _system = null!;
    HostReceiveEndpointHandle _observer = null!;

    public async Task InitializeAsync()
    {
        _system = await RelanceSystem.StartAsync(infrastructure, new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), Service.Correspondence);
        // What the Reminder service would hear.
        _observer = Bus.ConnectReceiveEndpoint($"test-postal-observer-{_run}", endpoint =>
        {
            endpoint.Handler<ReminderSent>(context => { _sent.Enqueue(context.Message); return Task.CompletedTask; });
            endpoint.Handler<LetterPosted>(context => { _tracked.Enqueue(context.Message); return Task.CompletedTask; });
            endpoint.Handler<LetterDelivered>(context => { _tracked.Enqueue(context.Message); return Task.CompletedTask; });
            endpoint.Handler<LetterReceiptAcknowledged>(context => { _tracked.Enqueue(context.Message); return Task.CompletedTask; });
            endpoint.Handler<LetterReturned>(context => { _tracked.Enqueue(context.Message); return Task.CompletedTask; });
            endpoint.Handler<ReminderNotDelivered>(context => { _notDelivered.Enqueue(context.Message); return Task.CompletedTask; });
        });
        await _observer.Ready;
    }

    public async Task DisposeAsync()
    {
        await _observer.StopAsync();
        await _system.DisposeAsync();
    }

    IBus Bus => _system.Services(Service.Correspondence).GetRequiredService<IBus>();
    HttpClient Auditor => _system.AsUser(Service.Correspondence, "audrey@acme.test", [RelanceRoles.Auditor], "ACME");
    HttpClient Collector => _system.AsUser(Service.Correspondence, "carla@acme.test", [RelanceRoles.Collector], "ACME");

    SendReminder Notice(string channel = ReminderChannels.RegisteredLetter) => new(
        Guid.NewGuid(), $"ACME/C-{_run}/EUR", "ACME", "formal-notice",
        new ReminderRecipient($"C-{_run}", "Dupont SARL", $"compta.{_run}@dupont.test")
        {
            PostalAddress = new(["12 rue de la Paix", "Bâtiment B"], "75002", "Paris", "France"),
        },
        [new($"F-{_run}-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR")],
        new DateOnly(2026, 11, 23))
    {
        Channel = channel,
        Level = 8,
        Tone = ReminderTones.Formal,
        Template = "formal-notice",
        PaymentDeadlineDays = 8,
    };

    async Task<ReminderSent> Sent(SendReminder request)
    {
        await (await Bus.GetSendEndpoint(new Uri($"queue:{CorrespondenceTopology.SendReminderQueue}"))).Send(request);
        return await Eventually.Get(() => Task.FromResult(_sent.FirstOrDefault(a => a.ReminderId == request.ReminderId)), Wait, $"the announcement of {request.ReminderId}");
    }

    async Task<string[]> EventTypes(Guid id) =>
        (await Auditor.GetFromJsonAsync<JsonElement[]>($"/correspondences/{id}/events"))!.Select(e => e.GetProperty("type").GetString()!).ToArray();

    /// <summary>What a collector sees in a postal folder: the letters' directories, not this service's dot entries.</summary>
    static IEnumerable<string> Letters(string folder) =>
        Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Where(name => !name!.StartsWith('.'))!;

    static string Marker(string folder, string id) => Path.Combine(folder, ".relance", "handed-over", $"{id}.json");

    Task<JsonElement> View(Guid id) => Auditor.GetFromJsonAsync<JsonElement>($"/correspondences/{id}")!;

    Task<HttpResponseMessage> Track(HttpClient client, Guid id, object body) => client.PostAsJsonAsync($"/correspondences/{id}/postal-tracking", body);

    static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}, not {(int)expected}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task A_formal_notice_by_registered_letter_lands_in_the_postal_folder_as_the_recorded_pdf_with_its_manifest()
    {
        var notice = Notice();
        var sent = await Sent(notice);
        var id = notice.ReminderId.ToString();

        var directory = Path.Combine(_system.PostalFolder, id);
        var pdf = await File.ReadAllBytesAsync(Path.Combine(directory, "letter.pdf"));
        Assert.Equal(sent.ContentSha256, Convert.ToHexStringLower(SHA256.HashData(pdf)));
        Assert.Equal(pdf, await Auditor.GetByteArrayAsync($"/correspondences/{id}/content"));

        var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "manifest.json"))).RootElement;
        Assert.Equal((id, id, "ACME", notice.CaseId, "registered-letter", true),
            (manifest.GetProperty("correspondenceId").GetString(), manifest.GetProperty("reminderId").GetString(), manifest.GetProperty("companyId").GetString(),
             manifest.GetProperty("caseId").GetString(), manifest.GetProperty("channel").GetString(), manifest.GetProperty("acknowledgmentOfReceipt").GetBoolean()));
        var addressee = manifest.GetProperty("addressee");
        Assert.Equal(("Dupont SARL", "12 rue de la Paix|Bâtiment B", "75002", "Paris", "France"),
            (addressee.GetProperty("name").GetString(), string.Join("|", addressee.GetProperty("lines").EnumerateArray().Select(l => l.GetString())),
             addressee.GetProperty("postalCode").GetString(), addressee.GetProperty("city").GetString(), addressee.GetProperty("country").GetString()));
        Assert.Equal("ACME SAS", manifest.GetProperty("returnAddress").GetProperty("name").GetString());
        Assert.Equal((sent.ContentSha256, (long)pdf.Length, "letter.pdf", "2026-11-23"),
            (manifest.GetProperty("sha256").GetString(), manifest.GetProperty("sizeBytes").GetInt64(), manifest.GetProperty("file").GetString(), manifest.GetProperty("date").GetString()));
        Assert.Equal(PdfText.Pages(pdf).Count, manifest.GetProperty("pageCount").GetInt32());
        Assert.StartsWith("formal-notice/", manifest.GetProperty("template").GetString());

        // Recorded as handed over, with the provider and its reference; the folder holds that letter alone, no temporary left.
        Assert.Equal(["correspondence_requested", "correspondence_rendered", "letter_queued_for_posting", "letter_handed_to_postal_provider"], await EventTypes(notice.ReminderId));
        var trail = (await Auditor.GetFromJsonAsync<JsonElement>($"/correspondences/{id}/postal-tracking"))!;
        Assert.Equal(("folder", id, sent.ContentSha256),
            (trail.GetProperty("handedOver").GetProperty("provider").GetString(), trail.GetProperty("handedOver").GetProperty("reference").GetString(),
             trail.GetProperty("handedOver").GetProperty("contentSha256").GetString()));
        Assert.Equal([id], Letters(_system.PostalFolder));
        Assert.Equal([".relance"], Directory.GetDirectories(_system.PostalFolder).Select(Path.GetFileName).Where(n => n!.StartsWith('.')));
        Assert.True(File.Exists(Marker(_system.PostalFolder, id)));

        // The same request again (a redelivery): one letter, nothing more recorded.
        await (await Bus.GetSendEndpoint(new Uri($"queue:{CorrespondenceTopology.SendReminderQueue}"))).Send(notice);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(4, (await EventTypes(notice.ReminderId)).Length);
        Assert.Single(Letters(_system.PostalFolder));
    }

    [Fact]
    public async Task A_letter_found_handed_over_after_a_crash_is_recorded_without_a_second_hand_over()
    {
        var notice = Notice();
        var id = notice.ReminderId.ToString();
        // A first life of the service handed the letter over and died before recording it: the folder holds the letter.
        await using (var first = await RelanceSystem.StartAsync(infrastructure, _system.Clock.GetUtcNow(), Service.Correspondence))
        {
            await (await first.Services(Service.Correspondence).GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{CorrespondenceTopology.SendReminderQueue}"))).Send(notice);
            await Eventually.Until(() => Task.FromResult(File.Exists(Path.Combine(first.PostalFolder, id, "manifest.json"))), Wait, "the first hand-over");
            Directory.CreateDirectory(Path.Combine(_system.PostalFolder, id));
            foreach (var file in Directory.GetFiles(Path.Combine(first.PostalFolder, id)))
                File.Copy(file, Path.Combine(_system.PostalFolder, id, Path.GetFileName(file)));
        }
        var letter = Path.Combine(_system.PostalFolder, id, "letter.pdf");
        var writtenAt = File.GetLastWriteTimeUtc(letter);
        var manifest = await File.ReadAllTextAsync(Path.Combine(_system.PostalFolder, id, "manifest.json"));

        // The redelivered request (same request, same bytes) finds it there: recorded, not handed over again.
        var sent = await Sent(notice);
        Assert.Equal(sent.ContentSha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(letter))));
        Assert.Equal((writtenAt, manifest), (File.GetLastWriteTimeUtc(letter), await File.ReadAllTextAsync(Path.Combine(_system.PostalFolder, id, "manifest.json"))));
        Assert.Equal([id], Letters(_system.PostalFolder));
        Assert.Contains("letter_handed_to_postal_provider", await EventTypes(notice.ReminderId));
    }

    [Fact]
    public async Task A_letter_the_collector_took_away_after_a_crash_is_recorded_handed_over_without_a_second_letter()
    {
        var notice = Notice();
        var id = notice.ReminderId.ToString();
        // A first life of the service handed the letter over and died before recording it; then the collector took
        // the letter's directory away (posted, archived): only the hand-over marker, which the collector never touches, is left.
        await using (var first = await RelanceSystem.StartAsync(infrastructure, _system.Clock.GetUtcNow(), Service.Correspondence))
        {
            await (await first.Services(Service.Correspondence).GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{CorrespondenceTopology.SendReminderQueue}"))).Send(notice);
            await Eventually.Until(() => Task.FromResult(File.Exists(Path.Combine(first.PostalFolder, id, "manifest.json"))), Wait, "the first hand-over");
            Directory.CreateDirectory(Path.GetDirectoryName(Marker(_system.PostalFolder, id))!);
            File.Copy(Marker(first.PostalFolder, id), Marker(_system.PostalFolder, id));
        }

        // The redelivered request: recorded as handed over, nothing written for the collector to post a second time.
        var sent = await Sent(notice);
        Assert.Empty(Letters(_system.PostalFolder));
        Assert.Equal(["correspondence_requested", "correspondence_rendered", "letter_queued_for_posting", "letter_handed_to_postal_provider"], await EventTypes(notice.ReminderId));
        var view = await View(notice.ReminderId);
        Assert.Equal(("QueuedForPosting", "folder", sent.ContentSha256),
            (view.GetProperty("status").GetString(), view.GetProperty("postal").GetProperty("handedOver").GetProperty("provider").GetString(),
             view.GetProperty("postal").GetProperty("handedOver").GetProperty("contentSha256").GetString()));
    }

    [Fact]
    public async Task A_letter_returned_for_an_unknown_address_is_shown_returned_and_announced_not_delivered_to_that_address()
    {
        var notice = Notice(ReminderChannels.Letter);
        var sent = await Sent(notice);
        var id = notice.ReminderId;
        Assert.Equal("QueuedForPosting", (await View(id)).GetProperty("status").GetString());

        await Json(await Track(Collector, id, new { update = "posted", date = "2026-11-23", trackingNumber = "2C00000001" }), HttpStatusCode.OK);
        var posted = await View(id);
        Assert.Equal(("Posted", "2C00000001"), (posted.GetProperty("status").GetString(), posted.GetProperty("postal").GetProperty("posted").GetProperty("trackingNumber").GetString()));

        _system.Advance(TimeSpan.FromDays(4));
        await Json(await Track(Collector, id, new { update = "returned", date = "2026-11-26", returnReason = "address-unknown" }), HttpStatusCode.OK);
        var returned = await View(id);
        Assert.Equal(("Returned", "address-unknown"), (returned.GetProperty("status").GetString(), returned.GetProperty("postal").GetProperty("returned").GetProperty("reason").GetString()));
        // The fields the view always had are still there, the ones of other channels empty.
        Assert.Equal((0, "Dupont SARL", sent.ContentSha256, JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Null),
            (returned.GetProperty("failures").GetInt32(), returned.GetProperty("queuedForPosting").GetProperty("addressee").GetString(), returned.GetProperty("contentSha256").GetString(),
             returned.GetProperty("bounces").ValueKind, returned.GetProperty("outcomeUnknown").ValueKind, returned.GetProperty("lastFailure").ValueKind));

        // Told to the Reminder service twice over: the letter returned, and the reminder not delivered to that postal address.
        var told = await Eventually.Get(() => Task.FromResult(_notDelivered.FirstOrDefault(n => n.ReminderId == id)), Wait, "the reminder not delivered");
        Assert.Equal((ReminderNotDeliveredKinds.Returned, sent.Recipient, ReminderChannels.Letter, notice.CaseId), (told.Kind, told.Recipient, told.Channel, told.CaseId));
        await Eventually.Until(() => Task.FromResult(_tracked.OfType<LetterReturned>().Any(r => r.ReminderId == id && r.Reason == "address-unknown")), Wait, "the return announced");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(_notDelivered, n => n.ReminderId == id);
    }

    [Fact]
    public async Task Tracking_by_the_api_is_recorded_once_announced_and_the_scanned_card_archived_with_its_hash()
    {
        var notice = Notice();
        await Sent(notice);
        var id = notice.ReminderId;

        var posted = new { update = "posted", date = "2026-11-23", trackingNumber = "1A01234567890" };
        Assert.Equal(["LetterPosted"], (await Json(await Track(Collector, id, posted), HttpStatusCode.OK)).GetProperty("recorded").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty((await Json(await Track(Collector, id, posted), HttpStatusCode.OK)).GetProperty("recorded").EnumerateArray());

        _system.Advance(TimeSpan.FromDays(2));
        byte[] card = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3, 4];
        var acknowledged = await Json(await Track(Collector, id, new
        {
            update = "acknowledged", date = "2026-11-25",
            acknowledgmentCard = new { mediaType = "image/png", contentBase64 = Convert.ToBase64String(card) },
        }), HttpStatusCode.OK);
        var cardSha256 = Convert.ToHexStringLower(SHA256.HashData(card));
        Assert.Equal(("2026-11-25", cardSha256), (acknowledged.GetProperty("postal").GetProperty("acknowledgedOn").GetString(),
            acknowledged.GetProperty("postal").GetProperty("acknowledgmentCardSha256").GetString()));
        var archived = await Auditor.GetAsync($"/correspondences/{id}/postal-tracking/acknowledgment-card");
        Assert.Equal("image/png", archived.Content.Headers.ContentType?.MediaType);
        Assert.Equal(card, await archived.Content.ReadAsByteArrayAsync());

        var view = await View(id);
        Assert.Equal(("Acknowledged", "1A01234567890", cardSha256),
            (view.GetProperty("status").GetString(), view.GetProperty("postal").GetProperty("posted").GetProperty("trackingNumber").GetString(),
             view.GetProperty("postal").GetProperty("acknowledgmentCardSha256").GetString()));

        // A contradiction, a wrong body, a person who may not, another company's user, an unknown letter.
        var conflict = await Json(await Track(Collector, id, posted with { trackingNumber = "9Z999" }), HttpStatusCode.Conflict);
        Assert.Contains("1A01234567890", conflict.GetProperty("errors").GetProperty("trackingNumber")[0].GetString());
        var invalid = await Json(await Track(Collector, id, new { update = "returned", date = "2026-11-30" }), HttpStatusCode.BadRequest);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("returnReason", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await Track(Auditor, id, posted)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Track(_system.AsUser(Service.Correspondence, "bob@batipro.test", [RelanceRoles.Collector], "BATIPRO"), id, posted)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Track(Collector, Guid.NewGuid(), posted)).StatusCode);

        // Told to the Reminder service, each fact once.
        await Eventually.Until(() => Task.FromResult(_tracked.Count(t => t is LetterReceiptAcknowledged a && a.ReminderId == id) == 1), Wait, "the acknowledgment announced");
        Assert.Equal(new LetterPosted(id, notice.CaseId, "registered-letter", "1A01234567890", new(2026, 11, 23)), Assert.Single(_tracked.OfType<LetterPosted>(), p => p.ReminderId == id));
        Assert.Equal(new LetterReceiptAcknowledged(id, notice.CaseId, "registered-letter", new(2026, 11, 25), cardSha256),
            Assert.Single(_tracked.OfType<LetterReceiptAcknowledged>(), a => a.ReminderId == id));
        Assert.Equal(["correspondence_requested", "correspondence_rendered", "letter_queued_for_posting", "letter_handed_to_postal_provider", "letter_posted", "letter_receipt_acknowledged"],
            await EventTypes(id));
    }

    [Fact]
    public async Task Tracking_by_message_is_recorded_once_and_a_bad_message_is_answered_with_its_reasons_and_kept_in_the_error_queue()
    {
        var notice = Notice(ReminderChannels.Letter);
        await Sent(notice);
        var id = notice.ReminderId.ToString();
        _system.Advance(TimeSpan.FromDays(7));

        await using var connection = await new ConnectionFactory { Uri = _system.RabbitMq }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var answers = (await channel.QueueDeclareAsync($"postal-test-answers-{_run}", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(answers, PostalTopology.TrackingRejectedExchange, routingKey: "");
        async Task Publish(string messageId, string json) => await channel.BasicPublishAsync(PostalTopology.LetterTrackedExchange, "", mandatory: true,
            new BasicProperties { MessageId = messageId, ContentType = "application/json", Persistent = true }, Encoding.UTF8.GetBytes(json));

        var delivered = $$"""{ "correspondenceId": "{{id}}", "update": "delivered", "date": "2026-11-25", "provider": "print-and-post" }""";
        await Publish($"track-{_run}-1", delivered);
        await Publish($"track-{_run}-2", delivered);
        await Eventually.Until(async () => (await EventTypes(notice.ReminderId)).Contains("letter_delivered"), Wait, "the delivery recorded");
        var events = (await Auditor.GetFromJsonAsync<JsonElement[]>($"/correspondences/{id}/events"))!;
        var recorded = Assert.Single(events, e => e.GetProperty("type").GetString() == "letter_delivered");
        Assert.Equal(("2026-11-25", "postal:print-and-post"), (recorded.GetProperty("data").GetProperty("deliveredOn").GetString(), recorded.GetProperty("data").GetProperty("source").GetString()));
        await Eventually.Until(() => Task.FromResult(_tracked.OfType<LetterDelivered>().Any(d => d.ReminderId == notice.ReminderId)), Wait, "the delivery announced");

        // Wrong in its fields, contradicting what is recorded, unreadable: each answered with its reasons, none lost.
        await Publish($"track-{_run}-3", $$"""{ "correspondenceId": "{{id}}", "update": "returned", "date": "2026-11-30", "returnReason": "moved" }""");
        await Publish($"track-{_run}-4", $$"""{ "correspondenceId": "{{id}}", "update": "acknowledged", "date": "2026-11-26" }""");
        await Publish($"track-{_run}-5", $$"""{ "correspondenceId": "{{id}}", "update": "posted", "date": "yesterday" }""");
        var rejections = new Dictionary<string, JsonElement>();
        await Eventually.Until(async () =>
        {
            while (await channel.BasicGetAsync(answers, autoAck: true) is { } message)
            {
                var body = JsonDocument.Parse(message.Body).RootElement.Clone();
                rejections[body.GetProperty("messageId").GetString()!] = body;
            }
            return rejections.Count == 3;
        }, Wait, "three rejections");
        string Fields(string messageId) => string.Join(",", rejections[messageId].GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("field").GetString()));
        Assert.Equal("returnReason", Fields($"track-{_run}-3"));
        Assert.Equal("update", Fields($"track-{_run}-4"));
        Assert.Contains("no acknowledgment of receipt", rejections[$"track-{_run}-4"].GetProperty("reasons")[0].GetProperty("error").GetString());
        Assert.Equal("date", Fields($"track-{_run}-5"));
        Assert.All(rejections.Values, r => Assert.Equal(PostalTopology.LetterTrackedErrorQueue, r.GetProperty("errorQueue").GetString()));

        // The sender is answered before the message is moved to the error queue: wait for the move, then count.
        var kept = await Eventually.Get(async () => await ErrorQueues.Peek(_system.RabbitMq, PostalTopology.LetterTrackedErrorQueue) is { Count: >= 3 } all ? all : null,
            Wait, "the three bad messages kept in the error queue");
        Assert.Equal(3, kept.Count);
        Assert.Contains(kept, k => k.Body.Contains("\"moved\""));
        Assert.Single(events, e => e.GetProperty("type").GetString() == "letter_delivered");
    }
}
