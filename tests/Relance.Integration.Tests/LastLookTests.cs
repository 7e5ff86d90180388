using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Relance.Contracts.Correspondence;
using Relance.Contracts.Erp;
using Relance.Integration.Tests.Infrastructure;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests;

/// <summary>
/// The Correspondence service's last look before a reminder leaves, on the real broker, databases and SMTP capture: the
/// Invoice service is asked what is still owed, and a reminder whose every invoice it has recorded paid (a payment that
/// has not reached the Reminder service yet: here there is no Reminder service at all) is withdrawn instead of sent.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class LastLookTests(TestInfrastructure infrastructure)
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_reminder_whose_every_invoice_the_Invoice_service_has_paid_or_cancelled_is_withdrawn_before_it_leaves_the_others_are_sent()
    {
        await using var system = await RelanceSystem.StartAsync(infrastructure, Start, Service.Invoice, Service.Correspondence);
        var (paid, open, partly) = ($"F-{_run}-1", $"F-{_run}-2", $"F-{_run}-3");
        await Erp(system, ErpTopology.InvoiceIssuedRoutingKey, Invoice(paid, 1200m));
        await Erp(system, ErpTopology.InvoiceIssuedRoutingKey, Invoice(open, 800m));
        await Erp(system, ErpTopology.InvoiceIssuedRoutingKey, Invoice(partly, 500m));
        await Erp(system, ErpTopology.PaymentReceivedRoutingKey, Payment(paid, 1200m));
        await Erp(system, ErpTopology.PaymentReceivedRoutingKey, Payment(partly, 200m));

        var onlyPaid = Reminder(system, "only-paid", (paid, 1200m));
        var paidAndOpen = Reminder(system, "paid-and-open", (paid, 1200m), (open, 800m));
        var partlyPaid = Reminder(system, "partly-paid", (partly, 500m));
        var unknown = Reminder(system, "unknown", ($"F-{_run}-9", 300m));
        foreach (var request in new[] { onlyPaid, paidAndOpen, partlyPaid, unknown }) await Send(system, request);

        foreach (var request in new[] { paidAndOpen, partlyPaid, unknown }) await UntilStatus(system, request.ReminderId, "Sent");
        await UntilStatus(system, onlyPaid.ReminderId, "Withdrawn");

        var withdrawn = (await Events(system, onlyPaid.ReminderId)).Single(e => e.GetProperty("type").GetString() == "correspondence_withdrawn");
        var reason = withdrawn.GetProperty("data").GetProperty("reason").GetString()!;
        Assert.Contains("Invoice service", reason);
        Assert.Contains($"{paid} settled", reason);
        Assert.DoesNotContain("dispatch_started", (await Events(system, onlyPaid.ReminderId)).Select(e => e.GetProperty("type").GetString()));

        var mail = new MailCapture(infrastructure.SmtpCapture);
        Assert.Empty(await mail.To(Email("only-paid")));
        foreach (var who in new[] { "paid-and-open", "partly-paid", "unknown" }) Assert.Single(await mail.To(Email(who)));
    }

    [Fact]
    public async Task An_Invoice_service_that_does_not_answer_delays_the_reminder_by_the_timeout_only()
    {
        // No Invoice service in this system: nobody reads the last look's queue.
        await using var system = await RelanceSystem.StartAsync(infrastructure, Start, Service.Correspondence);
        await system.RestartAsync(Service.Correspondence, "--Correspondence:LastLook:Enabled=true", "--Correspondence:LastLook:Timeout=00:00:00.5");
        var request = Reminder(system, "no-answer", ($"F-{_run}-1", 1200m));

        await Send(system, request);

        await UntilStatus(system, request.ReminderId, "Sent");
        Assert.Single(await new MailCapture(infrastructure.SmtpCapture).To(Email("no-answer")));
    }

    string Email(string who) => $"{who}.{_run}@dupont.test";

    object Invoice(string number, decimal amount) => new
    {
        companyId = "ACME", invoiceNumber = number,
        customer = new { customerId = $"C-{_run}", name = "Dupont SAS", email = Email("billing") },
        issueDate = "2026-10-01", dueDate = "2026-10-31",
        amountExcludingVat = Math.Round(amount / 1.2m, 2), amountIncludingVat = amount, currency = "EUR",
    };

    object Payment(string number, decimal amount) => new
    {
        companyId = "ACME", paymentId = $"P-{number}", invoiceNumber = number, amount, currency = "EUR", receivedOn = "2026-11-20",
    };

    static async Task Erp(RelanceSystem system, string routingKey, object message)
    {
        var id = Guid.NewGuid().ToString();
        await system.Erp.PublishAsync(routingKey, JsonSerializer.Serialize(message), id);
        Assert.Equal("applied", await system.Erp.OutcomeOf(id));
    }

    SendReminder Reminder(RelanceSystem system, string who, params (string Number, decimal Outstanding)[] invoices) => new(
        Guid.NewGuid(), $"ACME/C-{_run}/EUR", "ACME", "first-reminder",
        new ReminderRecipient($"C-{_run}", "Dupont SAS", Email(who)),
        [.. invoices.Select(i => new ReminderInvoice(i.Number, new(2026, 10, 1), new(2026, 10, 31), i.Outstanding, "EUR"))],
        DateOnly.FromDateTime(system.Clock.GetUtcNow().UtcDateTime));

    static async Task Send(RelanceSystem system, SendReminder request) =>
        await (await system.Services(Service.Correspondence).GetRequiredService<IBus>()
            .GetSendEndpoint(new Uri($"queue:{CorrespondenceTopology.SendReminderQueue}"))).Send(request);

    static HttpClient Auditor(RelanceSystem system) => system.AsUser(Service.Correspondence, "auditor@relance.test", [RelanceRoles.Auditor], "ACME");

    static async Task<JsonElement[]> Events(RelanceSystem system, Guid id) =>
        (await Auditor(system).GetFromJsonAsync<JsonElement[]>($"/correspondences/{id}/events"))!;

    static Task UntilStatus(RelanceSystem system, Guid id, string status) => Eventually.Until(async () =>
    {
        var response = await Auditor(system).GetAsync($"/correspondences/{id}");
        return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() == status;
    }, Wait, $"{id} {status}");
}
