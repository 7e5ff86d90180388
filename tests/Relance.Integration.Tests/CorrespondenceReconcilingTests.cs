using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Relance.Contracts.Correspondence;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Integration.Incoming;
using Relance.Integration.Tests.Infrastructure;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests;

/// <summary>
/// The reconciler's limits on the real broker, database, SMTP capture and a loopback SMS gateway: a correspondence too
/// old to send is abandoned and told to the Reminder service, a failing one is tried again less and less often, a
/// request whose rendering is refused after it was recorded is recorded refused once and never tried again.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CorrespondenceReconcilingTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

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

    Task Restart(string apiKey = SmsGatewayServer.ApiKey) => _system.RestartAsync(Service.Correspondence,
        $"--Correspondence:Sms:BaseUrl={_gateway.BaseUrl}",
        $"--Correspondence:Sms:ApiKey={apiKey}",
        "--Correspondence:Sms:SenderId=ACME",
        "--Correspondence:Sms:Timeout=00:00:05",
        $"--Correspondence:Reconciler:Interval={Interval}",
        "--Correspondence:Reconciler:MaxAge=3.00:00:00",
        "--Correspondence:Reconciler:MaxBackoff=00:30:00",
        $"--Smtp:Port={infrastructure.SmtpPort}");

    IBus Bus => _system.Services(Service.Correspondence).GetRequiredService<IBus>();
    HttpClient Auditor => _system.AsUser(Service.Correspondence, "auditor@relance.test", [RelanceRoles.Auditor], "ACME");
    DateTimeOffset Now => _system.Clock.GetUtcNow();

    string Email(string who) => $"{who}.{_run}@dupont.test";

    SendReminder Reminder(string channel, string who) => new(
        Guid.NewGuid(), $"ACME/C-{_run}/EUR", "ACME", "first-reminder",
        new ReminderRecipient($"C-{_run}", "Dupont SARL", Email(who)) { Phone = "06 12 34 56 78" },
        [new($"F-{_run}-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR")],
        new(2026, 11, 23))
    {
        Channel = channel,
    };

    // What a process that died right after recording the requests leaves, their messages gone.
    async Task Record(params object[][] streams)
    {
        await using var session = _system.Services(Service.Correspondence).GetRequiredService<IDocumentStore>().LightweightSession();
        foreach (var events in streams)
            session.Events.StartStream(((CorrespondenceRequested)events[0]).ReminderId.ToString(), events);
        await session.SaveChangesAsync();
    }

    async Task Send(SendReminder request) =>
        await (await Bus.GetSendEndpoint(new Uri($"queue:{CorrespondenceTopology.SendReminderQueue}"))).Send(request);

    async Task ObserveNotDelivered()
    {
        _observer = Bus.ConnectReceiveEndpoint($"test-reconciling-not-delivered-{_run}", endpoint =>
            endpoint.Handler<ReminderNotDelivered>(context => { _notDelivered.Enqueue(context.Message); return Task.CompletedTask; }));
        await _observer.Ready;
    }

    Task<ReminderNotDelivered> Told(Guid reminderId) =>
        Eventually.Get(() => Task.FromResult(_notDelivered.FirstOrDefault(n => n.ReminderId == reminderId)), Wait, $"the Reminder service told of {reminderId}");

    async Task<string[]> EventTypes(Guid id) =>
        (await Auditor.GetFromJsonAsync<JsonElement[]>($"/correspondences/{id}/events"))!.Select(e => e.GetProperty("type").GetString()!).ToArray();

    async Task<int> Count(Guid id, string type) => (await EventTypes(id)).Count(t => t == type);

    async Task<string?> Status(Guid id) =>
        (await Auditor.GetFromJsonAsync<JsonElement>($"/correspondences/{id}")).GetProperty("status").GetString();

    Task UntilStatus(Guid id, string status) => Eventually.Until(async () => await Status(id) == status, Wait, $"{id} {status}");

    // Long enough for a pass of the reconciler to end (when it does nothing, there is nothing else to wait for).
    static Task Settle() => Task.Delay(TimeSpan.FromSeconds(3));

    async Task Pass()
    {
        _system.Advance(Interval);
        await Settle();
    }

    [Fact]
    public async Task A_request_older_than_the_maximum_age_is_abandoned_never_sent_and_told_to_the_reminder_service()
    {
        await ObserveNotDelivered();
        var (old, legacy, fresh) = (Reminder(ReminderChannels.Email, "too-old"), Reminder(ReminderChannels.Sms, "sms-legacy"), Reminder(ReminderChannels.Email, "fresh"));
        var requestedLongAgo = Now.AddDays(-3).AddMinutes(-1);
        await Record(
            [SendReminderConsumer.Request(old, requestedLongAgo)],
            // Left by the design before attempts: a failure that reads as not permanent, its message in the error queue.
            [SendReminderConsumer.Request(legacy, Now.AddDays(-60)), new CorrespondenceSendingFailed("SMS gateway unavailable", Now.AddDays(-60).AddMinutes(1))],
            [SendReminderConsumer.Request(fresh, Now.AddDays(-2))]);

        await Pass();
        await UntilStatus(fresh.ReminderId, "Sent");
        await UntilStatus(old.ReminderId, "Abandoned");
        await UntilStatus(legacy.ReminderId, "Abandoned");
        var told = await Told(old.ReminderId);
        Assert.Equal((ReminderNotDeliveredKinds.Expired, Email("too-old"), ReminderChannels.Email), (told.Kind, told.Recipient, told.Channel));
        Assert.Contains("too old to send", told.Reason);
        Assert.Equal(ReminderNotDeliveredKinds.Expired, (await Told(legacy.ReminderId)).Kind);

        // Neither a later pass nor a redelivered request sends it.
        await Send(old);
        await Pass();
        Assert.Single(await _mail.To(Email("fresh")));
        Assert.Empty(await _mail.To(Email("too-old")));
        Assert.DoesNotContain(_gateway.Posted, p => p.ClientReference == legacy.ReminderId.ToString());
        Assert.Equal(["correspondence_requested", "correspondence_abandoned"], await EventTypes(old.ReminderId));
        Assert.Equal(["correspondence_requested", "correspondence_sending_failed", "correspondence_abandoned"], await EventTypes(legacy.ReminderId));
        Assert.Single(_notDelivered, n => n.ReminderId == old.ReminderId);
    }

    [Fact]
    public async Task A_correspondence_the_provider_keeps_refusing_is_tried_again_less_and_less_often_then_sent()
    {
        await Restart(apiKey: "revoked-key");
        var sms = Reminder(ReminderChannels.Sms, "sms-backoff");
        await Record([SendReminderConsumer.Request(sms, Now)]);
        async Task Failures(int expected) => await Eventually.Until(async () => await Count(sms.ReminderId, "correspondence_sending_failed") == expected, Wait, $"{expected} failures");

        // Failed at t+1; tried again 2 intervals after (t+3), then 4 (t+7).
        await Pass();
        await Failures(1);
        await Pass();
        Assert.Equal(1, await Count(sms.ReminderId, "dispatch_started"));
        await Pass();
        await Failures(2);
        foreach (var _ in Enumerable.Range(0, 3))
        {
            await Pass();
            Assert.Equal(2, await Count(sms.ReminderId, "dispatch_started"));
        }
        await Pass();
        await Failures(3);
        Assert.Equal(3, await Count(sms.ReminderId, "dispatch_started"));
        Assert.All((await Auditor.GetFromJsonAsync<JsonElement[]>($"/correspondences/{sms.ReminderId}/events"))!
                .Where(e => e.GetProperty("type").GetString() == "correspondence_sending_failed"),
            e => Assert.StartsWith("SMS gateway answered 401", e.GetProperty("data").GetProperty("reason").GetString()));

        // The key is put right: not asked before the 8 intervals are over (the pass at start waits), then sent once.
        await Restart();
        await Settle();
        Assert.Equal(3, await Count(sms.ReminderId, "dispatch_started"));
        _system.Advance(Interval * 8);
        await UntilStatus(sms.ReminderId, "Sent");
        Assert.Single(_gateway.AcceptedFor(sms.ReminderId.ToString()));
    }

    [Fact]
    public async Task A_request_whose_rendering_is_refused_after_it_was_recorded_is_recorded_refused_once_and_never_tried_again()
    {
        await ObserveNotDelivered();
        // Three invoice numbers too long for one SMS: the text is refused when written.
        var sms = Reminder(ReminderChannels.Sms, "sms-too-long");
        sms = sms with { Invoices = [.. Enumerable.Range(1, 3).Select(i => sms.Invoices[0] with { InvoiceNumber = $"F-{_run}-{i}-{new string('9', 120)}" })] };
        // The process died between the request and its rendering; the message comes again.
        await Record([SendReminderConsumer.Request(sms, Now)]);
        await Send(sms);

        await UntilStatus(sms.ReminderId, "Refused");
        var kept = await Eventually.Get(async () =>
        {
            try { return (await ErrorQueues.Peek(_system.RabbitMq, $"{CorrespondenceTopology.SendReminderQueue}_error")).FirstOrDefault(k => k.Body.Contains(sms.ReminderId.ToString())); }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) { return null; }
        }, Wait, "the request in the error queue");
        Assert.Contains("an SMS takes at most 320", kept.Reason);
        var told = await Told(sms.ReminderId);
        Assert.Equal(ReminderNotDeliveredKinds.Refused, told.Kind);
        Assert.Contains("an SMS takes at most 320", told.Reason);

        await Send(sms);
        await Pass();
        await Pass();
        Assert.Equal(["correspondence_requested", "correspondence_refused"], await EventTypes(sms.ReminderId));
        Assert.DoesNotContain(_gateway.Posted, p => p.ClientReference == sms.ReminderId.ToString());
        Assert.Single(_notDelivered, n => n.ReminderId == sms.ReminderId);
        Assert.Equal(2, (await ErrorQueues.Peek(_system.RabbitMq, $"{CorrespondenceTopology.SendReminderQueue}_error")).Count(k => k.Body.Contains(sms.ReminderId.ToString())));
    }
}
