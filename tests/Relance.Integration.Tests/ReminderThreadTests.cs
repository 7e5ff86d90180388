using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MimeKit;
using JasperFx.Events.Daemon;
using MassTransit;
using Relance.Contracts.Correspondence;
using Relance.Contracts.Erp;
using Relance.Integration.Tests.Infrastructure;
using Relance.ReminderService.DunningCases.TakingDueActions;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests;

/// <summary>
/// The whole thread through the three services, hosted for real on the real broker, database and SMTP server,
/// with the clock moved forward: ERP invoice → dunning case → first reminder by email → proof → payment → silence.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ReminderThreadTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    static readonly DateTimeOffset Start = new(2026, 10, 20, 6, 0, 0, TimeSpan.Zero);
    // Due 31/10/2026: the default plan's first courtesy reminder is due ten days before, at 09:00 in Paris (07:00 UTC, summer time).
    static readonly DateTimeOffset FirstReminderAt = new(2026, 10, 21, 7, 0, 0, TimeSpan.Zero);

    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    RelanceSystem _system = null!;
    MailCapture _mail = null!;

    public async Task InitializeAsync()
    {
        _system = await RelanceSystem.StartAsync(infrastructure, Start, Service.Invoice, Service.Reminder, Service.Correspondence);
        _mail = new MailCapture(infrastructure.SmtpCapture);
    }

    public async Task DisposeAsync() => await _system.DisposeAsync();

    // Reading cases, trails and what was sent is an auditor's right.
    HttpClient Api(Service service) => _system.AsUser(service, "auditor@relance.test", [RelanceRoles.Auditor]);

    string Customer => $"C-{_run}";
    string Email => $"compta.{_run}@dupont.test";
    string CasePath => $"/cases/ACME/{Customer}/EUR";

    object Invoice(string number, string dueDate) => new
    {
        companyId = "ACME",
        invoiceNumber = number,
        customer = new { customerId = Customer, name = "Dupont SARL", email = Email },
        issueDate = "2026-10-01",
        dueDate,
        amountExcludingVat = 1000m,
        amountIncludingVat = 1200m,
        currency = "EUR",
    };

    Task<int> RunScheduler() =>
        _system.Services(Service.Reminder).GetRequiredService<ReminderScheduler>().RunOnceAsync(CancellationToken.None);

    async Task<JsonElement?> Case()
    {
        var response = await Api(Service.Reminder).GetAsync(CasePath);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    async Task<string[]> EventTypes(Service service, string path) =>
        (await Api(service).GetFromJsonAsync<JsonElement[]>(path))!.Select(e => e.GetProperty("type").GetString()!).ToArray();

    [Fact]
    public async Task An_invoice_is_reminded_once_before_its_due_date_with_proof_and_a_payment_ends_the_chase_for_good()
    {
        var number = $"F-{_run}";
        await _system.Erp.PublishInvoiceAsync(Invoice(number, "2026-10-31"), $"erp-{_run}-1");

        // The case opens, with its first reminder planned from the due date.
        var opened = await Eventually.Get(async () => await Case() is { } c && c.GetProperty("nextActionAt").ValueKind != JsonValueKind.Null ? (object)c : null, Wait, "the dunning case");
        Assert.Equal(FirstReminderAt, ((JsonElement)opened).GetProperty("nextActionAt").GetDateTimeOffset());

        // Six hours at a time up to the minute before: nothing is due, nothing is sent.
        var justBefore = FirstReminderAt.AddMinutes(-1);
        while (_system.Clock.GetUtcNow() + TimeSpan.FromHours(6) <= justBefore)
        {
            _system.Advance(TimeSpan.FromHours(6));
            Assert.Equal(0, await RunScheduler());
        }
        _system.Clock.SetUtcNow(justBefore);
        Assert.Equal(0, await RunScheduler());
        Assert.Empty(await _mail.To(Email));

        // At the due time the scheduler's own tick asks for it, and the email arrives.
        _system.Clock.SetUtcNow(FirstReminderAt);
        var mail = (await Eventually.Get(async () => (await _mail.To(Email)).SingleOrDefault(), Wait, "the reminder email",
            betweenTries: () => _system.Advance(TimeSpan.FromSeconds(1))))!;
        Assert.Equal($"Rappel : facture ACME SAS {number} à échéance le 31/10/2026", mail.Subject);
        Assert.Contains($"Facture {number} du 01/10/2026, échéance le 31/10/2026", mail.Text);
        Assert.Contains("200,00 €", mail.Text);

        // The case records the sending with the SHA-256 of exactly the bytes the SMTP server received.
        var caseEvents = await Eventually.Get(async () =>
        {
            var events = await Api(Service.Reminder).GetFromJsonAsync<JsonElement[]>($"{CasePath}/events");
            return events!.Any(e => e.GetProperty("type").GetString() == "reminder_sent") ? events : null;
        }, Wait, "the reminder recorded as sent");
        var sent = caseEvents.Single(e => e.GetProperty("type").GetString() == "reminder_sent").GetProperty("data");
        var reminderId = sent.GetProperty("reminderId").GetGuid();
        var content = await Api(Service.Correspondence).GetByteArrayAsync($"/correspondences/{reminderId}/content");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), sent.GetProperty("contentSha256").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await _mail.Source(mail))), sent.GetProperty("contentSha256").GetString());
        var archived = await MimeMessage.LoadAsync(new MemoryStream(content));
        Assert.Equal(mail.Subject, archived.Subject);
        Assert.Equal($"<{archived.MessageId}>", mail.MessageId);
        Assert.Equal(["correspondence_requested", "correspondence_rendered", "dispatch_started", "correspondence_sent"],
            await EventTypes(Service.Correspondence, $"/correspondences/{reminderId}/events"));

        // The ERP is told the action taken, with the same proof.
        async Task<JsonElement[]> ActionsTold() => [.. (await _system.Erp.NotificationsOn(ErpTopology.ReminderActionTakenExchange))
            .Select(n => n.Body).Where(b => b.GetProperty("customerId").GetString() == Customer)];
        await Eventually.Until(async () => (await ActionsTold()).Length > 0, Wait, "the reminder action told to the ERP");
        var action = Assert.Single(await ActionsTold());
        Assert.Equal(("courtesy-reminder-1", "email", reminderId), (action.GetProperty("step").GetString(), action.GetProperty("channel").GetString(), action.GetProperty("reminderId").GetGuid()));
        Assert.Equal(sent.GetProperty("contentSha256").GetString(), action.GetProperty("contentSha256").GetString());
        Assert.Equal(number, action.GetProperty("invoices")[0].GetProperty("invoiceNumber").GetString());

        // The customer pays in full: the invoice is settled, the case closed.
        _system.Advance(TimeSpan.FromDays(2));
        await _system.Erp.PublishPaymentAsync(new { companyId = "ACME", paymentId = $"P-{_run}", invoiceNumber = number, amount = 1200m, currency = "EUR", receivedOn = "2026-10-30" }, $"erp-{_run}-2");
        await Eventually.Until(async () => (await Case())?.GetProperty("status").GetString() == "Closed", Wait, "the case closed by the payment");
        await Eventually.Until(async () => (await _system.Erp.NotificationsOn(ErpTopology.InvoiceSettledExchange))
            .Any(n => n.Body.GetProperty("invoiceNumber").GetString() == number), Wait, "the settlement told to the ERP");

        // Ninety days later, still nothing more was sent.
        for (var day = 0; day < 90; day++)
        {
            _system.Advance(TimeSpan.FromDays(1));
            Assert.Equal(0, await RunScheduler());
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(await _mail.To(Email));

        // Every step is an event in the owning service's store.
        Assert.Equal(["invoice_issued", "payment_received", "invoice_settled"], await EventTypes(Service.Invoice, $"/invoices/ACME/{number}/events"));
        Assert.Equal(["dunning_case_opened", "case_plan_adopted", "invoice_joined_case", "reminder_requested", "reminder_sent", "invoice_left_case", "dunning_case_closed"],
            await EventTypes(Service.Reminder, $"{CasePath}/events"));
    }

    [Fact]
    public async Task An_invoice_already_past_due_is_reminded_at_the_next_tick_with_its_days_late()
    {
        var number = $"F-{_run}-late";
        await _system.Erp.PublishInvoiceAsync(Invoice(number, "2026-10-01"), $"erp-{_run}-late");
        await Eventually.Until(async () => await Case() is not null, Wait, "the dunning case");
        _system.Advance(TimeSpan.FromMinutes(1)); // the grouping delay after its arrival

        var mail = (await Eventually.Get(async () => (await _mail.To(Email)).SingleOrDefault(), Wait, "the reminder email",
            betweenTries: () => _system.Advance(TimeSpan.FromSeconds(1))))!;
        // 19 days overdue when it came: caught up at the second call (nominally 16 days after the due date), firm in tone,
        // by email since the ERP gave no phone number.
        Assert.StartsWith("Relance pour facture impayée", mail.Subject);
        Assert.Contains(number, mail.Subject);
        Assert.Contains("19 jours", mail.Text);
        var requested = (await Case())!.Value.GetProperty("requested").EnumerateArray().Single();
        Assert.Equal(("second-call", "email"), (requested.GetProperty("step").GetString(), requested.GetProperty("channel").GetString()));
    }

    [Fact]
    public async Task Messages_delivered_again_between_services_send_nothing_twice()
    {
        var number = $"F-{_run}-dup";
        await _system.Erp.PublishInvoiceAsync(Invoice(number, "2026-10-01"), $"erp-{_run}-dup");
        await Eventually.Until(async () => await Case() is not null, Wait, "the dunning case");
        _system.Advance(TimeSpan.FromMinutes(1));
        await Eventually.Get(async () => (await _mail.To(Email)).SingleOrDefault(), Wait, "the reminder email",
            betweenTries: () => _system.Advance(TimeSpan.FromSeconds(1)));
        var events = await Eventually.Get(async () =>
        {
            var all = await Api(Service.Reminder).GetFromJsonAsync<JsonElement[]>($"{CasePath}/events");
            return all!.Any(e => e.GetProperty("type").GetString() == "reminder_sent") ? all : null;
        }, Wait, "the reminder recorded as sent");
        var requested = events.Single(e => e.GetProperty("type").GetString() == "reminder_requested").GetProperty("data");
        var sent = events.Single(e => e.GetProperty("type").GetString() == "reminder_sent").GetProperty("data");
        var reminderId = requested.GetProperty("reminderId").GetGuid();

        // As a Marten subscription or RabbitMQ would after a crash: the same command and the same announcement again.
        var bus = _system.Services(Service.Reminder).GetRequiredService<IBus>();
        var correspondence = await bus.GetSendEndpoint(new Uri($"queue:{CorrespondenceTopology.SendReminderQueue}"));
        await correspondence.Send(new SendReminder(reminderId, $"ACME/{Customer}/EUR", "ACME", "first-reminder",
            new ReminderRecipient(Customer, "Dupont SARL", Email),
            [new ReminderInvoice(number, new(2026, 10, 1), new(2026, 10, 1), 1200m, "EUR")], new(2026, 10, 20)));
        await bus.Publish(new ReminderSent(reminderId, $"ACME/{Customer}/EUR", "email", Email,
            sent.GetProperty("sentAt").GetDateTimeOffset(), sent.GetProperty("contentSha256").GetString()!));

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(await _mail.To(Email));
        Assert.Equal(events.Length, (await Api(Service.Reminder).GetFromJsonAsync<JsonElement[]>($"{CasePath}/events"))!.Length);
        Assert.Equal(["correspondence_requested", "correspondence_rendered", "dispatch_started", "correspondence_sent"],
            await EventTypes(Service.Correspondence, $"/correspondences/{reminderId}/events"));
    }

    [Fact]
    public async Task An_invoice_paid_before_its_reminder_is_due_is_never_reminded()
    {
        var number = $"F-{_run}-early";
        await _system.Erp.PublishInvoiceAsync(Invoice(number, "2026-10-31"), $"erp-{_run}-early");
        await Eventually.Until(async () => await Case() is not null, Wait, "the dunning case");
        await _system.Erp.PublishPaymentAsync(new { companyId = "ACME", paymentId = $"P-{_run}", invoiceNumber = number, amount = 1200m, currency = "EUR", receivedOn = "2026-10-22" }, $"erp-{_run}-pay");
        await Eventually.Until(async () => (await Case())?.GetProperty("status").GetString() == "Closed", Wait, "the case closed by the payment");

        for (var day = 0; day < 30; day++)
        {
            _system.Advance(TimeSpan.FromDays(1));
            Assert.Equal(0, await RunScheduler());
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(await _mail.To(Email));
        Assert.Equal(["dunning_case_opened", "case_plan_adopted", "invoice_joined_case", "invoice_left_case", "dunning_case_closed"],
            await EventTypes(Service.Reminder, $"{CasePath}/events"));
    }

    [Fact]
    public async Task A_reminder_requested_for_an_invoice_paid_before_it_left_is_withdrawn_not_sent()
    {
        var number = $"F-{_run}-race";
        await _system.Erp.PublishInvoiceAsync(Invoice(number, "2026-10-31"), $"erp-{_run}-race");
        await Eventually.Until(async () => await Case() is not null, Wait, "the dunning case");

        // The request is committed, but its dispatch waits (the daemon is paused) while the payment comes in.
        var daemon = _system.Services(Service.Reminder).GetRequiredService<IProjectionCoordinator>();
        await daemon.PauseAsync();
        _system.Clock.SetUtcNow(FirstReminderAt);
        await RunScheduler(); // or the scheduler's own tick on the clock change: one of them requests it
        await Eventually.Until(async () => (await EventTypes(Service.Reminder, $"{CasePath}/events")).Contains("reminder_requested"), Wait, "the reminder requested");
        await _system.Erp.PublishPaymentAsync(new { companyId = "ACME", paymentId = $"P-{_run}", invoiceNumber = number, amount = 1200m, currency = "EUR", receivedOn = "2026-10-28" }, $"erp-{_run}-pay");
        await Eventually.Until(async () => (await Case())?.GetProperty("status").GetString() == "Closed", Wait, "the case closed by the payment");
        await daemon.ResumeAsync();

        await Eventually.Until(async () => (await EventTypes(Service.Reminder, $"{CasePath}/events")).Contains("reminder_withdrawn"), Wait, "the reminder withdrawn");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(await _mail.To(Email));
    }

    [Fact]
    public async Task Two_deliveries_of_the_same_request_at_once_send_one_email()
    {
        var reminderId = Guid.NewGuid();
        var request = new SendReminder(reminderId, $"ACME/{Customer}/EUR", "ACME", "first-reminder",
            new ReminderRecipient(Customer, "Dupont SARL", Email),
            [new ReminderInvoice($"F-{_run}-twice", new(2026, 10, 1), new(2026, 10, 1), 1200m, "EUR")], new(2026, 10, 20));
        var bus = _system.Services(Service.Reminder).GetRequiredService<IBus>();
        var correspondence = await bus.GetSendEndpoint(new Uri($"queue:{CorrespondenceTopology.SendReminderQueue}"));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => correspondence.Send(request)));

        await Eventually.Until(async () => (await _mail.To(Email)).Count > 0, Wait, "the email");
        await Eventually.Until(async () => (await EventTypes(Service.Correspondence, $"/correspondences/{reminderId}/events")).Contains("correspondence_sent"), Wait, "the sending recorded");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(await _mail.To(Email));
        Assert.Equal(["correspondence_requested", "correspondence_rendered", "dispatch_started", "correspondence_sent"],
            await EventTypes(Service.Correspondence, $"/correspondences/{reminderId}/events"));
    }

    [Fact]
    public async Task A_contested_invoice_is_not_reminded_until_the_dispute_is_closed()
    {
        var number = $"F-{_run}-contested";
        await _system.Erp.PublishInvoiceAsync(Invoice(number, "2026-10-31"), $"erp-{_run}-contested");
        await Eventually.Until(async () => await Case() is not null, Wait, "the dunning case");
        await _system.Erp.PublishAsync(ErpTopology.DisputeOpenedRoutingKey,
            JsonSerializer.Serialize(new { companyId = "ACME", invoiceNumber = number, disputeId = "LIT-1", reason = "not-received", openedOn = "2026-10-21" }, JsonSerializerOptions.Web), $"erp-{_run}-dispute");
        await Eventually.Until(async () => (await EventTypes(Service.Reminder, $"{CasePath}/events")).Contains("invoice_disputed"), Wait, "the dispute in the case");

        _system.Clock.SetUtcNow(FirstReminderAt.AddDays(5));
        Assert.Equal(0, await RunScheduler());
        Assert.Empty(await _mail.To(Email));

        await _system.Erp.PublishAsync(ErpTopology.DisputeClosedRoutingKey,
            JsonSerializer.Serialize(new { companyId = "ACME", invoiceNumber = number, disputeId = "LIT-1", resolution = "invoice-resent", closedOn = "2026-11-02" }, JsonSerializerOptions.Web), $"erp-{_run}-dispute-closed");
        await Eventually.Get(async () => (await _mail.To(Email)).SingleOrDefault(), Wait, "the reminder once the dispute is closed",
            betweenTries: () => _system.Advance(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_customer_described_by_the_erp_is_reminded_at_its_billing_contact_once_its_hold_ends()
    {
        var billing = $"factures.{_run}@dupont.test";
        await _system.Erp.PublishAsync(ErpTopology.CustomerUpsertedRoutingKey, JsonSerializer.Serialize(new
        {
            companyId = "ACME", customerId = Customer, legalName = "Dupont SAS",
            contacts = new[] { new { role = "billing", name = "Service factures", email = billing } },
            dunningHold = new { reason = "négociation en cours", until = "2026-11-10" },
        }, JsonSerializerOptions.Web), $"erp-{_run}-customer");
        Assert.Equal("applied", await _system.Erp.OutcomeOf($"erp-{_run}-customer"));
        await _system.Erp.PublishInvoiceAsync(Invoice($"F-{_run}-held", "2026-10-31"), $"erp-{_run}-held");
        await Eventually.Until(async () => (await Case())?.GetProperty("hold").ValueKind == JsonValueKind.Object, Wait, "the case opened on hold");

        _system.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 11, 7, 59, 0, TimeSpan.Zero)); // 08:59 in Paris, the day after the hold
        Assert.Equal(0, await RunScheduler());
        // The courtesy reminders fell during the hold, before the due date: skipped. The chase resumes with the first call,
        // by email to the billing contact since the ERP gave no phone number.
        _system.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 11, 8, 0, 0, TimeSpan.Zero));
        var mail = await Eventually.Get(async () => (await _mail.To(billing)).SingleOrDefault(), Wait, "the reminder to the billing contact",
            betweenTries: () => _system.Advance(TimeSpan.FromSeconds(1)));
        Assert.Contains("en retard de 11 jours", mail.Text);
        var requested = (await Case())!.Value.GetProperty("requested").EnumerateArray().Single();
        Assert.Equal(("first-call", "email"), (requested.GetProperty("step").GetString(), requested.GetProperty("channel").GetString()));
        Assert.Empty(await _mail.To(Email));
    }

    [Fact]
    public async Task A_customer_preferring_english_is_reminded_in_english_quoting_the_contracts_payment_clause()
    {
        await _system.Erp.PublishAsync(ErpTopology.CustomerUpsertedRoutingKey, JsonSerializer.Serialize(new
        {
            companyId = "ACME", customerId = Customer, legalName = "Dupont Ltd", preferredLanguage = "en",
            contacts = new[] { new { role = "billing", name = "Accounts payable", email = Email } },
        }, JsonSerializerOptions.Web), $"erp-{_run}-customer-en");
        Assert.Equal("applied", await _system.Erp.OutcomeOf($"erp-{_run}-customer-en"));
        var number = $"F-{_run}-en";
        await _system.Erp.PublishInvoiceAsync(new
        {
            companyId = "ACME", invoiceNumber = number,
            customer = new { customerId = Customer, name = "Dupont Ltd", email = Email },
            issueDate = "2026-10-01", dueDate = "2026-10-01", amountExcludingVat = 1000m, amountIncludingVat = 1200m, currency = "EUR",
            paymentClause = "Payment at 30 days from the invoice date.",
        }, $"erp-{_run}-en");
        await Eventually.Until(async () => await Case() is not null, Wait, "the dunning case");
        _system.Advance(TimeSpan.FromMinutes(1)); // the grouping delay after its arrival

        var mail = (await Eventually.Get(async () => (await _mail.To(Email)).SingleOrDefault(), Wait, "the reminder email",
            betweenTries: () => _system.Advance(TimeSpan.FromSeconds(1))))!;
        Assert.Equal($"Reminder of unpaid invoice – ACME SAS – {number}", mail.Subject);
        Assert.StartsWith("Dear Sir or Madam,", mail.Text);
        Assert.Contains("19 days overdue", mail.Text);
        Assert.Contains($"- Invoice {number}: “Payment at 30 days from the invoice date.”", mail.Text);
    }

    [Fact]
    public async Task An_invoice_settled_before_its_case_heard_of_it_is_never_chased()
    {
        // As after a registration delayed by retries, or replayed from its error queue: the settlement comes first.
        var number = $"F-{_run}-late-news";
        var bus = _system.Services(Service.Invoice).GetRequiredService<IBus>();
        await bus.Publish(new Relance.Contracts.Invoicing.InvoiceSettled("ACME", number, Customer, "EUR", new(2026, 10, 19)));
        await Task.Delay(TimeSpan.FromSeconds(2));
        await bus.Publish(new Relance.Contracts.Invoicing.InvoiceRegistered("ACME", number, Customer, "Dupont SARL", Email,
            new(2026, 9, 1), new(2026, 10, 1), 1200m, 1200m, "EUR"));
        await bus.Publish(new Relance.Contracts.Invoicing.InvoiceRegistered("ACME", $"{number}-other", Customer, "Dupont SARL", Email,
            new(2026, 9, 1), new(2026, 10, 1), 300m, 300m, "EUR"));

        await Eventually.Until(async () => await Case() is not null, Wait, "the case of the other invoice");
        var openInvoices = (await Case())!.Value.GetProperty("openInvoices").EnumerateArray().Select(i => i.GetProperty("invoiceNumber").GetString()).ToList();
        Assert.Equal([$"{number}-other"], openInvoices);
    }

    [Fact]
    public async Task A_dispute_and_a_payment_heard_before_their_invoice_are_applied_when_it_joins_its_case()
    {
        // As after a registration delayed by retries, or replayed from its error queue: the news comes first.
        var number = $"F-{_run}-early";
        var bus = _system.Services(Service.Invoice).GetRequiredService<IBus>();
        await bus.Publish(new Relance.Contracts.Invoicing.InvoiceBalanceChanged("ACME", number, Customer, "EUR", 700m, new(2026, 10, 31), "payment"));
        await bus.Publish(new Relance.Contracts.Invoicing.InvoiceDisputed("ACME", number, Customer, "EUR", "D-early", "wrong-amount"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        await bus.Publish(new Relance.Contracts.Invoicing.InvoiceRegistered("ACME", number, Customer, "Dupont SARL", Email,
            new(2026, 10, 1), new(2026, 10, 31), 1200m, 1200m, "EUR"));

        var invoice = await Eventually.Get(async () => (await Case()) is { } c && c.GetProperty("openInvoices").EnumerateArray()
            .FirstOrDefault(i => i.GetProperty("invoiceNumber").GetString() == number) is { ValueKind: JsonValueKind.Object } found && found.GetProperty("openDisputes").GetArrayLength() > 0
            ? (object)found : null, Wait, "the invoice in its case with what was heard before");
        var joined = (JsonElement)invoice;
        Assert.Equal(700m, joined.GetProperty("outstanding").GetDecimal());
        Assert.Equal(["D-early"], joined.GetProperty("openDisputes").EnumerateArray().Select(d => d.GetString()));
    }
}
