using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Relance.Contracts.Correspondence;
using Relance.Contracts.Erp;
using Relance.Integration.Tests.Infrastructure;
using Relance.ReminderService.DunningCases.TakingDueActions;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests;

/// <summary>
/// A reminder email that bounces, through the three services on the real broker, database and SMTP server: the
/// mail system's bounce reaches the case's trail once, the case shows it, and the next email step goes by letter.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class UndeliveredReminderTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    // Due 31/10/2026: courtesy reminders on the 21st and the 28th at 09:00 in Paris (07:00 UTC in summer time, 08:00 after).
    static readonly DateTimeOffset FirstReminderAt = new(2026, 10, 21, 7, 0, 0, TimeSpan.Zero);
    static readonly DateTimeOffset SecondReminderAt = new(2026, 10, 28, 8, 0, 0, TimeSpan.Zero);

    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    RelanceSystem _system = null!;
    MailCapture _mail = null!;

    public async Task InitializeAsync()
    {
        _system = await RelanceSystem.StartAsync(infrastructure, new DateTimeOffset(2026, 10, 20, 6, 0, 0, TimeSpan.Zero),
            Service.Invoice, Service.Reminder, Service.Correspondence);
        _mail = new MailCapture(infrastructure.SmtpCapture);
    }

    public async Task DisposeAsync() => await _system.DisposeAsync();

    HttpClient Reminder => _system.AsUser(Service.Reminder, "auditor@relance.test", [RelanceRoles.Auditor]);
    string Customer => $"C-{_run}";
    string Email => $"compta.{_run}@dupont.test";
    string CasePath => $"/cases/ACME/{Customer}/EUR";

    Task<int> RunScheduler() => _system.Services(Service.Reminder).GetRequiredService<ReminderScheduler>().RunOnceAsync(CancellationToken.None);

    async Task<JsonElement[]> Trail(string type) =>
        [.. (await Reminder.GetFromJsonAsync<JsonElement[]>($"{CasePath}/events"))!.Where(e => e.GetProperty("type").GetString() == type).Select(e => e.GetProperty("data"))];

    async Task PublishBounce(string json)
    {
        await using var connection = await new ConnectionFactory { Uri = _system.RabbitMq }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicPublishAsync(MailTopology.BouncedExchange, "", mandatory: true,
            new BasicProperties { MessageId = Guid.NewGuid().ToString(), ContentType = "application/json", Persistent = true }, Encoding.UTF8.GetBytes(json));
    }

    [Fact]
    public async Task A_bounced_reminder_email_reaches_the_case_s_trail_once_and_the_next_email_step_goes_by_letter()
    {
        await _system.Erp.PublishAsync(ErpTopology.CustomerUpsertedRoutingKey, JsonSerializer.Serialize(new
        {
            companyId = "ACME", customerId = Customer, legalName = "Dupont SARL", siren = "732829320",
            addresses = new[] { new { kind = "billing", lines = new[] { "12 rue des Lilas" }, postalCode = "69003", city = "Lyon", country = "FR" } },
            contacts = new[] { new { role = "billing", name = "Anne Martin", email = Email, phone = "+33472000001" } },
        }), $"cust-{_run}");
        await _system.Erp.PublishInvoiceAsync(new
        {
            companyId = "ACME", invoiceNumber = $"F-{_run}",
            customer = new { customerId = Customer, name = "Dupont SARL", email = Email },
            issueDate = "2026-10-01", dueDate = "2026-10-31", amountExcludingVat = 1000m, amountIncludingVat = 1200m, currency = "EUR",
        }, $"inv-{_run}");
        await Eventually.Until(async () =>
        {
            var response = await Reminder.GetAsync(CasePath);
            return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customer").GetProperty("contacts").GetArrayLength() > 0;
        }, TimeSpan.FromSeconds(60), "the case, with the customer's contacts");

        // The first courtesy reminder goes by email, and the mail system returns it.
        _system.Clock.SetUtcNow(FirstReminderAt);
        await RunScheduler();
        var mail = (await Eventually.Get(async () => (await _mail.To(Email)).SingleOrDefault(), Wait, "the first reminder email"))!;
        var bounce = JsonSerializer.Serialize(new { messageId = mail.MessageId, recipient = Email, statusCode = "5.1.1", diagnostic = "User unknown", bouncedAt = "2026-10-21T07:05:00Z" });
        await PublishBounce(bounce);
        await PublishBounce(bounce);

        // On the case's trail once, shown on the case.
        var recorded = await Eventually.Get(async () => (await Trail("reminder_not_delivered")).FirstOrDefault() is { ValueKind: JsonValueKind.Object } e ? (object)e : null,
            Wait, "the bounce on the case's trail");
        var undelivered = (JsonElement)recorded;
        var requested = (await Trail("reminder_requested")).Single();
        Assert.Equal((requested.GetProperty("reminderId").GetGuid(), "courtesy-reminder-1", "email", "bounced", "5.1.1 User unknown", Email),
            (undelivered.GetProperty("reminderId").GetGuid(), undelivered.GetProperty("step").GetString(), undelivered.GetProperty("channel").GetString(),
             undelivered.GetProperty("kind").GetString(), undelivered.GetProperty("reason").GetString(), undelivered.GetProperty("avoided").GetString()));
        var shown = (await Reminder.GetFromJsonAsync<JsonElement>(CasePath))!;
        Assert.Equal("bounced", Assert.Single(shown.GetProperty("undelivered").EnumerateArray()).GetProperty("kind").GetString());
        Assert.Equal([Email], shown.GetProperty("undeliverableEmails").EnumerateArray().Select(e => e.GetString()));

        // The same fact told again (a redelivery), and news of a reminder the case never asked for: nothing more recorded.
        var bus = _system.Services(Service.Reminder).GetRequiredService<IBus>();
        var told = new ReminderNotDelivered(requested.GetProperty("reminderId").GetGuid(), $"ACME/{Customer}/EUR", ReminderChannels.Email, Email,
            ReminderNotDeliveredKinds.Bounced, "5.1.1 User unknown", new DateTimeOffset(2026, 10, 21, 7, 5, 0, TimeSpan.Zero));
        await bus.Publish(told);
        await bus.Publish(told with { ReminderId = Guid.NewGuid() });
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(await Trail("reminder_not_delivered"));

        // The next email step goes by letter, its fallback on the standard plan; nothing more to the address that bounced.
        _system.Clock.SetUtcNow(SecondReminderAt);
        await RunScheduler();
        var second = await Eventually.Get(async () => (await Trail("reminder_requested")).FirstOrDefault(r => r.GetProperty("step").GetString() == "courtesy-reminder-2") is
            { ValueKind: JsonValueKind.Object } r ? (object)r : null, Wait, "the second courtesy reminder");
        Assert.Equal("letter", ((JsonElement)second).GetProperty("channel").GetString());
        Assert.Contains("instead of email", ((JsonElement)second).GetProperty("recipient").GetProperty("via").GetString());
        Assert.Single(await Trail("reminder_not_delivered"));
        Assert.Single(await _mail.To(Email));
    }
}
