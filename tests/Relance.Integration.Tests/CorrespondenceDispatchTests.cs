using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Relance.Contracts.Correspondence;
using Relance.CorrespondenceService.Integration.Incoming;
using Relance.Integration.Tests.Infrastructure;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests;

/// <summary>
/// Exactly-once sending on the real broker, database and SMTP capture, with an SMS gateway on a loopback port: the
/// same request delivered twice, a crash on either side of the provider's acceptance, the reconciler, the people's
/// decisions on an email of unknown outcome, bounces and delivery reports.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CorrespondenceDispatchTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    static readonly TimeSpan Reconciling = TimeSpan.FromMinutes(1);
    const string BounceSecret = "test-bounce-secret", SmsSecret = "test-sms-callback-secret";

    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    readonly ConcurrentQueue<ReminderNotDelivered> _notDelivered = new();
    RelanceSystem _system = null!;
    SmsGatewayServer _gateway = null!;
    MailCapture _mail = null!;
    HostReceiveEndpointHandle? _observer;

    public async Task InitializeAsync()
    {
        _gateway = await SmsGatewayServer.StartAsync();
        _mail = new MailCapture(infrastructure.SmtpCapture);
        _system = await RelanceSystem.StartAsync(infrastructure, new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), Service.Correspondence);
        await Restart();
    }

    public async Task DisposeAsync()
    {
        if (_observer is not null) await _observer.StopAsync();
        await _system.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    // As after a crash: the service stops without finishing what it was doing, and starts again on the same database and broker.
    Task Restart(int? smtpPort = null) => _system.RestartAsync(Service.Correspondence,
        $"--Correspondence:Sms:BaseUrl={_gateway.BaseUrl}",
        $"--Correspondence:Sms:ApiKey={SmsGatewayServer.ApiKey}",
        "--Correspondence:Sms:SenderId=ACME",
        "--Correspondence:Sms:Timeout=00:00:05",
        $"--Correspondence:Sms:CallbackSecret={SmsSecret}",
        $"--Correspondence:Bounces:Secret={BounceSecret}",
        $"--Correspondence:Reconciler:Interval={Reconciling}",
        $"--Smtp:Port={smtpPort ?? infrastructure.SmtpPort}");

    IBus Bus => _system.Services(Service.Correspondence).GetRequiredService<IBus>();
    HttpClient Auditor => _system.AsUser(Service.Correspondence, "auditor@relance.test", [RelanceRoles.Auditor], "ACME");
    HttpClient Manager => _system.AsUser(Service.Correspondence, "manager@relance.test", [RelanceRoles.Manager], "ACME");
    HttpClient Collector => _system.AsUser(Service.Correspondence, "collector@relance.test", [RelanceRoles.Collector], "ACME");

    string Email(string who) => $"{who}.{_run}@dupont.test";

    SendReminder Reminder(string channel, string who) => new(
        Guid.NewGuid(), $"ACME/C-{_run}/EUR", "ACME", "first-reminder",
        new ReminderRecipient($"C-{_run}", "Dupont SARL", Email(who)) { Phone = "06 12 34 56 78" },
        [new($"F-{_run}-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR")],
        new(2026, 11, 23))
    {
        Channel = channel,
    };

    async Task Send(SendReminder request) =>
        await (await Bus.GetSendEndpoint(new Uri($"queue:{CorrespondenceTopology.SendReminderQueue}"))).Send(request);

    async Task<string[]> EventTypes(Guid id) =>
        (await Auditor.GetFromJsonAsync<JsonElement[]>($"/correspondences/{id}/events"))!.Select(e => e.GetProperty("type").GetString()!).ToArray();

    async Task<JsonElement[]> Events(Guid id, string type) =>
        (await Auditor.GetFromJsonAsync<JsonElement[]>($"/correspondences/{id}/events"))!.Where(e => e.GetProperty("type").GetString() == type).ToArray();

    async Task<string?> Status(Guid id)
    {
        var response = await Auditor.GetAsync($"/correspondences/{id}");
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() : null;
    }

    Task UntilStatus(Guid id, string status) => Eventually.Until(async () => await Status(id) == status, Wait, $"{id} {status}");

    Task<IReadOnlyList<CapturedMail>> MailsTo(string who) => _mail.To(Email(who));

    // Long enough for a second delivery to be consumed (it sends nothing, so there is nothing else to wait for).
    static Task Settle() => Task.Delay(TimeSpan.FromSeconds(3));

    [Fact]
    public async Task The_same_request_delivered_twice_one_after_the_other_or_at_once_sends_one_email_and_one_sms()
    {
        var (email, emailAtOnce) = (Reminder(ReminderChannels.Email, "twice"), Reminder(ReminderChannels.Email, "at-once"));
        var (sms, smsAtOnce) = (Reminder(ReminderChannels.Sms, "sms-twice"), Reminder(ReminderChannels.Sms, "sms-at-once"));

        await Send(email);
        await Send(sms);
        await UntilStatus(email.ReminderId, "Sent");
        await UntilStatus(sms.ReminderId, "Sent");
        await Send(email);
        await Send(sms);
        await Task.WhenAll(Send(emailAtOnce), Send(emailAtOnce), Send(smsAtOnce), Send(smsAtOnce));
        await UntilStatus(emailAtOnce.ReminderId, "Sent");
        await UntilStatus(smsAtOnce.ReminderId, "Sent");
        await Settle();

        Assert.Single(await MailsTo("twice"));
        Assert.Single(await MailsTo("at-once"));
        foreach (var request in new[] { sms, smsAtOnce })
        {
            var posted = Assert.Single(_gateway.Posted, p => p.ClientReference == request.ReminderId.ToString());
            Assert.Equal(("+33612345678", "ACME"), (posted.To, posted.From));
            Assert.Contains($"F-{_run}-1", posted.Text);
            Assert.Equal(["correspondence_requested", "correspondence_rendered", "dispatch_started", "correspondence_sent"], await EventTypes(request.ReminderId));
        }

        // The SMS text is stored as its UTF-8 bytes, served as text, and what the gateway received.
        var content = await Auditor.GetAsync($"/correspondences/{sms.ReminderId}/content");
        Assert.Equal("text/plain; charset=utf-8", content.Content.Headers.ContentType?.ToString());
        Assert.Equal(_gateway.Posted.Single(p => p.ClientReference == sms.ReminderId.ToString()).Text, Encoding.UTF8.GetString(await content.Content.ReadAsByteArrayAsync()));
        var sent = Assert.Single(await Events(sms.ReminderId, "correspondence_sent")).GetProperty("data");
        Assert.Equal(_gateway.AcceptedFor(sms.ReminderId.ToString()).Single().Id, sent.GetProperty("providerMessageId").GetString());
    }

    [Fact]
    public async Task After_a_crash_between_the_gateways_acceptance_and_the_record_the_sms_is_recorded_sent_without_being_sent_again()
    {
        var sms = Reminder(ReminderChannels.Sms, "sms-crash");
        _gateway.HangAfterAccepting = true;
        await Send(sms);
        await Eventually.Until(() => Task.FromResult(_gateway.AcceptedFor(sms.ReminderId.ToString()).Count == 1), Wait, "the gateway accepting the SMS");
        Assert.Equal("Dispatching", await Status(sms.ReminderId));

        _gateway.HangAfterAccepting = false;
        await Restart();
        _gateway.Release();

        await UntilStatus(sms.ReminderId, "Sent");
        await Settle();
        Assert.Single(_gateway.Posted, p => p.ClientReference == sms.ReminderId.ToString());
        Assert.Contains(sms.ReminderId.ToString(), _gateway.Lookups);
        var sent = Assert.Single(await Events(sms.ReminderId, "correspondence_sent")).GetProperty("data");
        Assert.Equal(_gateway.AcceptedFor(sms.ReminderId.ToString()).Single().Id, sent.GetProperty("providerMessageId").GetString());
        Assert.StartsWith("found by client reference", sent.GetProperty("providerResponse").GetString());
        Assert.Equal(["correspondence_requested", "correspondence_rendered", "dispatch_started", "correspondence_sent"], await EventTypes(sms.ReminderId));
    }

    [Fact]
    public async Task After_a_crash_before_the_gateway_accepted_the_sms_it_is_sent_exactly_once()
    {
        var sms = Reminder(ReminderChannels.Sms, "sms-early-crash");
        _gateway.HangBeforeAccepting = true;
        await Send(sms);
        await Eventually.Until(() => Task.FromResult(_gateway.Posted.Any(p => p.ClientReference == sms.ReminderId.ToString())), Wait, "the gateway receiving the SMS");

        _gateway.HangBeforeAccepting = false;
        await Restart();
        _gateway.Release();

        await UntilStatus(sms.ReminderId, "Sent");
        await Settle();
        Assert.Single(_gateway.AcceptedFor(sms.ReminderId.ToString()));
        Assert.Contains(sms.ReminderId.ToString(), _gateway.Lookups);
    }

    [Fact]
    public async Task After_a_crash_between_the_smtp_servers_acceptance_and_the_record_the_email_waits_for_a_person_who_confirms_or_resends_it()
    {
        var (confirmed, resent) = (Reminder(ReminderChannels.Email, "unknown-confirmed"), Reminder(ReminderChannels.Email, "unknown-resent"));
        await using (var proxy = new SmtpProxy(infrastructure.SmtpHost, infrastructure.SmtpPort))
        {
            await Restart(proxy.Port);
            await Send(confirmed);
            await Send(resent);
            await Eventually.Until(async () => (await MailsTo("unknown-confirmed")).Count == 1 && (await MailsTo("unknown-resent")).Count == 1, Wait, "the SMTP server receiving both");
            Assert.Equal("Dispatching", await Status(confirmed.ReminderId));
            await Restart();
        }

        // Plain SMTP cannot be asked: unknown, not sent again, listed for people.
        await UntilStatus(confirmed.ReminderId, "OutcomeUnknown");
        await UntilStatus(resent.ReminderId, "OutcomeUnknown");
        _system.Advance(Reconciling);
        await Settle();
        Assert.Single(await MailsTo("unknown-confirmed"));
        Assert.Single(await MailsTo("unknown-resent"));
        var listed = (await Auditor.GetFromJsonAsync<JsonElement[]>("/correspondences/unconfirmed?companyId=ACME"))!
            .Where(u => u.GetProperty("caseId").GetString() == confirmed.CaseId).ToDictionary(u => u.GetProperty("id").GetString()!);
        Assert.Equal(new[] { confirmed.ReminderId.ToString(), resent.ReminderId.ToString() }.Order(), listed.Keys.Order());
        Assert.Equal(Email("unknown-confirmed"), listed[confirmed.ReminderId.ToString()].GetProperty("recipient").GetString());
        Assert.Contains("plain SMTP cannot be asked", listed[confirmed.ReminderId.ToString()].GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await Auditor.GetAsync("/correspondences/unconfirmed")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Auditor.GetAsync("/correspondences/unconfirmed?companyId=BATIPRO")).StatusCode);

        string ETag(Guid id) => $"\"{listed[id.ToString()].GetProperty("version").GetInt64()}\"";
        Assert.Equal(ETag(confirmed.ReminderId), (await Auditor.GetAsync($"/correspondences/{confirmed.ReminderId}")).Headers.ETag?.Tag);
        async Task<HttpResponseMessage> Decide(HttpClient user, Guid id, string action, string? reason, string? ifMatch)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/correspondences/{id}/{action}") { Content = JsonContent.Create(new { reason }) };
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return await user.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await Decide(Collector, confirmed.ReminderId, "confirm-sent", "seen in the mail log", ETag(confirmed.ReminderId))).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await Decide(Manager, confirmed.ReminderId, "confirm-sent", "seen in the mail log", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Decide(Manager, confirmed.ReminderId, "confirm-sent", " ", ETag(confirmed.ReminderId))).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await Decide(Manager, confirmed.ReminderId, "confirm-sent", "seen in the mail log", "\"1\"")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await Decide(Manager, confirmed.ReminderId, "confirm-sent", "seen in the mail log", ETag(confirmed.ReminderId))).StatusCode);
        Assert.Equal("Sent", await Status(confirmed.ReminderId));
        var confirmation = Assert.Single(await Events(confirmed.ReminderId, "sending_confirmed"));
        Assert.Equal(("manager@relance.test", "seen in the mail log"),
            (confirmation.GetProperty("data").GetProperty("by").GetString(), confirmation.GetProperty("data").GetProperty("reason").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await Decide(Manager, confirmed.ReminderId, "resend", "again", $"\"{confirmation.GetProperty("version").GetInt64() + 1}\"")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await Decide(Manager, resent.ReminderId, "resend", "not in the customer's mailbox", ETag(resent.ReminderId))).StatusCode);
        Assert.Equal("Sent", await Status(resent.ReminderId));
        Assert.Equal(2, (await MailsTo("unknown-resent")).Count);
        Assert.Single(await MailsTo("unknown-confirmed"));
        Assert.Equal(["correspondence_requested", "correspondence_rendered", "dispatch_started", "dispatch_outcome_unknown", "resend_ordered", "dispatch_started", "correspondence_sent"],
            await EventTypes(resent.ReminderId));
        Assert.DoesNotContain((await Auditor.GetFromJsonAsync<JsonElement[]>("/correspondences/unconfirmed?companyId=ACME"))!,
            u => u.GetProperty("caseId").GetString() == confirmed.CaseId);
    }

    [Fact]
    public async Task A_bounce_of_an_email_of_unknown_outcome_records_it_sent_and_takes_it_off_the_unconfirmed_list()
    {
        var bounced = Reminder(ReminderChannels.Email, "unknown-bounced");
        await using (var proxy = new SmtpProxy(infrastructure.SmtpHost, infrastructure.SmtpPort))
        {
            await Restart(proxy.Port);
            await Send(bounced);
            await Eventually.Until(async () => (await MailsTo("unknown-bounced")).Count == 1, Wait, "the SMTP server receiving it");
            await Restart();
        }
        await UntilStatus(bounced.ReminderId, "OutcomeUnknown");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/correspondences/bounces")
        {
            Content = JsonContent.Create(new { messageId = (await MailsTo("unknown-bounced")).Single().MessageId, recipient = Email("unknown-bounced"),
                statusCode = "5.1.1", diagnostic = "User unknown", bouncedAt = "2026-11-23T08:05:00Z" }),
        };
        request.Headers.Add("X-Relance-Secret", BounceSecret);
        Assert.Equal(HttpStatusCode.OK, (await _system.Http(Service.Correspondence).SendAsync(request)).StatusCode);

        Assert.Equal("Bounced", await Status(bounced.ReminderId));
        Assert.Equal(["correspondence_requested", "correspondence_rendered", "dispatch_started", "dispatch_outcome_unknown", "correspondence_sent", "correspondence_bounced"],
            await EventTypes(bounced.ReminderId));
        Assert.Equal("accepted; bounced later", Assert.Single(await Events(bounced.ReminderId, "correspondence_sent")).GetProperty("data").GetProperty("providerResponse").GetString());
        Assert.DoesNotContain((await Auditor.GetFromJsonAsync<JsonElement[]>("/correspondences/unconfirmed?companyId=ACME"))!,
            u => u.GetProperty("id").GetString() == bounced.ReminderId.ToString());
        _system.Advance(Reconciling);
        await Settle();
        Assert.Single(await MailsTo("unknown-bounced"));
    }

    [Fact]
    public async Task A_request_recorded_but_never_dispatched_is_sent_once_by_the_reconciler()
    {
        // What a process that died right after recording the requests leaves, their messages gone.
        var (email, sms) = (Reminder(ReminderChannels.Email, "reconciled"), Reminder(ReminderChannels.Sms, "sms-reconciled"));
        var store = _system.Services(Service.Correspondence).GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            foreach (var request in new[] { email, sms })
                session.Events.StartStream(request.ReminderId.ToString(), SendReminderConsumer.Request(request, _system.Clock.GetUtcNow()));
            await session.SaveChangesAsync();
        }
        await Settle();
        Assert.Equal("Requested", await Status(email.ReminderId));

        _system.Advance(Reconciling);
        await UntilStatus(email.ReminderId, "Sent");
        await UntilStatus(sms.ReminderId, "Sent");
        _system.Advance(Reconciling);
        await Settle();
        Assert.Single(await MailsTo("reconciled"));
        Assert.Single(_gateway.Posted, p => p.ClientReference == sms.ReminderId.ToString());
    }

    [Fact]
    public async Task An_sms_the_gateway_refuses_for_good_is_recorded_failed_told_to_the_reminder_service_and_never_sent_again()
    {
        _observer = Bus.ConnectReceiveEndpoint($"test-not-delivered-{_run}", endpoint =>
            endpoint.Handler<ReminderNotDelivered>(context => { _notDelivered.Enqueue(context.Message); return Task.CompletedTask; }));
        await _observer.Ready;
        var sms = Reminder(ReminderChannels.Sms, "sms-refused");
        sms = sms with { Recipient = sms.Recipient with { Phone = "06 99 99 99 99" } };
        await Send(sms);

        await UntilStatus(sms.ReminderId, "Failed");
        var told = await Eventually.Get(() => Task.FromResult(_notDelivered.FirstOrDefault(n => n.ReminderId == sms.ReminderId)), Wait, "the Reminder service told");
        Assert.Equal((ReminderNotDeliveredKinds.Refused, SmsGatewayServer.Unserved), (told.Kind, told.Recipient));
        Assert.Contains("served by no operator", told.Reason);
        var kept = await Eventually.Get(async () =>
        {
            try { return (await ErrorQueues.Peek(_system.RabbitMq, $"{CorrespondenceTopology.SendReminderQueue}_error")).FirstOrDefault(k => k.Body.Contains(sms.ReminderId.ToString())); }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) { return null; }
        }, Wait, "the request in the error queue");
        Assert.Contains("refused it for good", kept.Reason);

        _system.Advance(Reconciling);
        await Settle();
        Assert.Single(_gateway.Posted, p => p.ClientReference == sms.ReminderId.ToString());
        Assert.Equal(["correspondence_requested", "correspondence_rendered", "dispatch_started", "correspondence_sending_failed"], await EventTypes(sms.ReminderId));
    }

    [Fact]
    public async Task A_bounce_by_message_or_by_api_is_recorded_and_told_to_the_reminder_service_and_a_wrong_one_is_rejected_with_its_reasons()
    {
        _observer = Bus.ConnectReceiveEndpoint($"test-not-delivered-{_run}", endpoint =>
            endpoint.Handler<ReminderNotDelivered>(context => { _notDelivered.Enqueue(context.Message); return Task.CompletedTask; }));
        await _observer.Ready;
        var (byMessage, byApi) = (Reminder(ReminderChannels.Email, "bounced-by-message"), Reminder(ReminderChannels.Email, "bounced-by-api"));
        await Send(byMessage);
        await Send(byApi);
        await UntilStatus(byMessage.ReminderId, "Sent");
        await UntilStatus(byApi.ReminderId, "Sent");
        var messageId = (await MailsTo("bounced-by-message")).Single().MessageId;

        // By message, twice: recorded once.
        var bounce = JsonSerializer.Serialize(new { messageId, recipient = Email("bounced-by-message"), statusCode = "5.1.1", diagnostic = "User unknown", bouncedAt = "2026-11-23T08:05:00Z" });
        await PublishBounce(bounce);
        await PublishBounce(bounce);
        await UntilStatus(byMessage.ReminderId, "Bounced");
        var told = await Eventually.Get(() => Task.FromResult(_notDelivered.FirstOrDefault(n => n.ReminderId == byMessage.ReminderId)), Wait, "the Reminder service told");
        Assert.Equal((ReminderNotDeliveredKinds.Bounced, Email("bounced-by-message"), "5.1.1 User unknown", ReminderChannels.Email), (told.Kind, told.Recipient, told.Reason, told.Channel));
        await Settle();
        Assert.Single(await Events(byMessage.ReminderId, "correspondence_bounced"));

        // Wrong ones: kept in the error queue with the reasons, nothing recorded.
        await PublishBounce(JsonSerializer.Serialize(new { messageId = "<nobody@elsewhere>", statusCode = "250" }));
        await PublishBounce("not json");
        await PublishBounce(JsonSerializer.Serialize(new { correspondenceId = Guid.NewGuid(), recipient = "x@y.test", statusCode = "550", bouncedAt = "2026-11-23T08:05:00Z" }));
        var kept = await Eventually.Get(async () => await KeptBounces() is { Count: 3 } all ? all : null, Wait, "the rejected bounces");
        Assert.Contains(kept, k => k.Reason!.Contains("messageId:") && k.Reason.Contains("recipient:") && k.Reason.Contains("statusCode:") && k.Reason.Contains("bouncedAt:"));
        Assert.Contains(kept, k => k.Body == "not json");
        Assert.Contains(kept, k => k.Reason!.Contains("no correspondence"));

        // By API, with the shared secret.
        async Task<HttpResponseMessage> Post(object body, string? secret)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/correspondences/bounces") { Content = JsonContent.Create(body) };
            if (secret is not null) request.Headers.Add("X-Relance-Secret", secret);
            return await _system.Http(Service.Correspondence).SendAsync(request);
        }
        var byApiBounce = new { correspondenceId = byApi.ReminderId, recipient = Email("bounced-by-api"), statusCode = "552", diagnostic = "Mailbox full", bouncedAt = "2026-11-23T08:06:00Z" };
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(byApiBounce, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(byApiBounce, "guess")).StatusCode);
        var invalid = await Post(new { correspondenceId = byApi.ReminderId, statusCode = "250" }, BounceSecret);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["bouncedAt", "recipient", "statusCode"], errors.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(HttpStatusCode.NotFound, (await Post(byApiBounce with { correspondenceId = Guid.NewGuid() }, BounceSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(byApiBounce, BounceSecret)).StatusCode);
        Assert.Equal("Bounced", await Status(byApi.ReminderId));
        var recorded = Assert.Single(await Events(byApi.ReminderId, "correspondence_bounced")).GetProperty("data");
        Assert.Equal(("552", "Mailbox full"), (recorded.GetProperty("statusCode").GetString(), recorded.GetProperty("diagnostic").GetString()));
        await Eventually.Get(() => Task.FromResult(_notDelivered.FirstOrDefault(n => n.ReminderId == byApi.ReminderId)), Wait, "the Reminder service told of the API's bounce");
    }

    // MassTransit declares the error queue with the first message it moves there.
    async Task<IReadOnlyList<KeptMessage>?> KeptBounces()
    {
        try { return await ErrorQueues.Peek(_system.RabbitMq, $"{MailTopology.BouncedQueue}_error"); }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) { return null; }
    }

    async Task PublishBounce(string json)
    {
        await using var connection = await new ConnectionFactory { Uri = _system.RabbitMq }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicPublishAsync(MailTopology.BouncedExchange, "", mandatory: true,
            new BasicProperties { MessageId = Guid.NewGuid().ToString(), ContentType = "application/json", Persistent = true }, Encoding.UTF8.GetBytes(json));
    }

    [Fact]
    public async Task The_gateways_delivery_reports_are_recorded_once_and_an_undelivered_sms_is_told_to_the_reminder_service()
    {
        _observer = Bus.ConnectReceiveEndpoint($"test-not-delivered-{_run}", endpoint =>
            endpoint.Handler<ReminderNotDelivered>(context => { _notDelivered.Enqueue(context.Message); return Task.CompletedTask; }));
        await _observer.Ready;
        var (delivered, failed) = (Reminder(ReminderChannels.Sms, "sms-delivered"), Reminder(ReminderChannels.Sms, "sms-failed"));
        await Send(delivered);
        await Send(failed);
        await UntilStatus(delivered.ReminderId, "Sent");
        await UntilStatus(failed.ReminderId, "Sent");

        async Task<HttpResponseMessage> Report(Guid id, string status, string? secret = SmsSecret)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/sms/delivery-reports")
            {
                Content = JsonContent.Create(new { clientReference = id.ToString(), id = _gateway.AcceptedFor(id.ToString()).Single().Id, status, detail = status == "failed" ? "absent subscriber" : null }),
            };
            if (secret is not null) request.Headers.Add("X-Relance-Secret", secret);
            return await _system.Http(Service.Correspondence).SendAsync(request);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await Report(delivered.ReminderId, "delivered", secret: null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Report(delivered.ReminderId, "lost")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Report(delivered.ReminderId, "delivered")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Report(delivered.ReminderId, "delivered")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Report(failed.ReminderId, "failed")).StatusCode);
        using (var other = new HttpRequestMessage(HttpMethod.Post, "/sms/delivery-reports")
               { Content = JsonContent.Create(new { clientReference = delivered.ReminderId.ToString(), id = "another-message", status = "failed" }) })
        {
            other.Headers.Add("X-Relance-Secret", SmsSecret);
            var refused = await _system.Http(Service.Correspondence).SendAsync(other);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("id", out _));
        }
        // Delivered is final: a failure reported after it is not recorded.
        Assert.Equal(HttpStatusCode.OK, (await Report(delivered.ReminderId, "failed")).StatusCode);

        Assert.Equal("Delivered", await Status(delivered.ReminderId));
        Assert.Single(await Events(delivered.ReminderId, "delivery_reported"));
        Assert.Equal("DeliveryFailed", await Status(failed.ReminderId));
        var told = await Eventually.Get(() => Task.FromResult(_notDelivered.FirstOrDefault(n => n.ReminderId == failed.ReminderId)), Wait, "the Reminder service told");
        Assert.Equal((ReminderNotDeliveredKinds.DeliveryFailed, "+33612345678", "absent subscriber"), (told.Kind, told.Recipient, told.Reason));
        Assert.DoesNotContain(_notDelivered, n => n.ReminderId == delivered.ReminderId);
    }
}
