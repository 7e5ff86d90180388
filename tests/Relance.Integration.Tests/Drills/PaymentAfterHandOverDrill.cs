using System.Net;
using System.Net.Sockets;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Relance.Contracts.Correspondence;
using Relance.CorrespondenceService.Correspondences.Reconciling;
using Relance.Integration.Tests.Infrastructure;
using Relance.Integration.Tests.Scenarios;
using Xunit.Abstractions;

namespace Relance.Integration.Tests.Drills;

/// <summary>
/// Fault drill: a payment arrives after the reminder was handed to the Correspondence service, while that service
/// cannot send it (its SMTP server is unreachable, so it keeps trying). The Reminder service recalls it (or the
/// Correspondence service's last look at the Invoice service finds it paid first), the Correspondence service withdraws
/// it before it leaves and says so, and once the SMTP server is back nothing is sent:
/// not by the request's retries, not by the reconciler. Counted in both stores and in the captured mail.
/// </summary>
[Collection(AuditCollection.Name)]
[Trait("Category", "Fault")]
public sealed class PaymentAfterHandOverDrill(TestInfrastructure infrastructure, ITestOutputHelper output)
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    static readonly DateOnly Due = new(2026, 4, 1); // first courtesy reminder (email) due 22 March

    [Fact]
    public async Task A_reminder_handed_over_and_not_yet_sent_when_the_invoice_is_paid_is_withdrawn_and_never_sent()
    {
        await using var s = await DunningScenario.StartAsync(infrastructure, DunningScenario.OnlyTheDailyRuns);
        await s.System.RestartAsync(Service.Correspondence, $"--Smtp:Port={ClosedPort()}", "--Correspondence:Reconciler:Interval=01:00:00");
        await s.DescribeCustomer();
        await s.Invoice("F-1", Due, 1200m);

        s.System.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 22, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await s.RunScheduler());
        var reminderId = (await s.Events("reminder_requested")).Single().GetProperty("data").GetProperty("reminderId").GetString()!;
        // Handed over, rendered, and its sending failed at least once: it is waiting for the SMTP server.
        await Eventually.Until(async () => await Correspondence(s, reminderId, "correspondence_sending_failed") > 0, Wait, "the reminder's sending failing");

        await s.Payment("F-1", 1200m);
        await Eventually.Until(async () => (await s.EventTypes()).Contains("reminder_withdrawn"), Wait, "the reminder withdrawn on the case");
        Assert.Equal("Closed", (await s.Case())!.Value.GetProperty("status").GetString());
        // Stopped by the Reminder service's recall, or first by the Correspondence service's last look at the Invoice
        // service (when a retry comes before the recall): recalled at most once, withdrawn once either way.
        Assert.All(await s.Events("reminder_recalled"), r => Assert.Equal(reminderId, r.GetProperty("data").GetProperty("reminderId").GetString()));
        Assert.True((await s.Events("reminder_recalled")).Length <= 1);
        Assert.Equal(1, await Correspondence(s, reminderId, "correspondence_withdrawn"));

        // The SMTP server back: the request still being retried and the reconciler find it withdrawn.
        await s.System.RestartAsync(Service.Correspondence, "--Correspondence:Reconciler:Interval=01:00:00");
        var correspondence = s.System.Services(Service.Correspondence);
        var carriedOn = await correspondence.GetServices<IHostedService>().OfType<DispatchReconciler>().Single().ReconcileAsync(CancellationToken.None);
        // A reminder for someone else, sent after: once it is in the mail, the queue has been read past the withdrawn one.
        var control = $"control.{Guid.NewGuid():N}@dupont.test";
        await (await correspondence.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{CorrespondenceTopology.SendReminderQueue}"))).Send(
            new SendReminder(Guid.NewGuid(), $"ACME/{control}/EUR", "ACME", "first-reminder", new ReminderRecipient(control, "Témoin SARL", control),
                [new("F-T-1", new(2026, 3, 2), Due, 500m, "EUR")], new(2026, 3, 22)));
        var mail = new MailCapture(infrastructure.SmtpCapture);
        await Eventually.Until(async () => (await mail.To(control)).Count == 1, Wait, "the control reminder in the mail");
        // Sent, or an attempt started (the provider asked to carry it) after the withdrawal.
        var sent = await Stores.Count(s.System, Service.Correspondence, $"""
            SELECT count(*) FROM relance.mt_events e WHERE e.stream_id = '{reminderId}' AND (e.type = 'correspondence_sent'
              OR (e.type = 'dispatch_started' AND e.version > (SELECT w.version FROM relance.mt_events w WHERE w.stream_id = e.stream_id AND w.type = 'correspondence_withdrawn')))
            """);
        var mails = (await mail.To(s.BillingEmail)).Count;
        output.WriteLine($"drill: payment after hand-over: 1 reminder handed over, recalled {(await s.Events("reminder_recalled")).Length}, " +
                         $"withdrawn {(await s.Events("reminder_withdrawn")).Length}; dispatches after it {sent}, emails captured {mails}, reconciler carried on {carriedOn}");
        Assert.Equal((0, 0, 0), (sent, mails, carriedOn));
        Assert.Single(await s.Events("reminder_withdrawn"));
        Assert.Empty(await s.Events("reminder_sent"));
    }

    static Task<long> Correspondence(DunningScenario s, string reminderId, string type) => Stores.Count(s.System, Service.Correspondence,
        $"SELECT count(*) FROM relance.mt_events WHERE stream_id = '{reminderId}' AND type = '{type}'");

    static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
