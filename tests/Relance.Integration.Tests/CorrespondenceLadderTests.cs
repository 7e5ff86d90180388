using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Relance.Contracts.Correspondence;
using Relance.Integration.Tests.Infrastructure;
using Relance.ServiceDefaults;
using Relance.Tests.Shared;

namespace Relance.Integration.Tests;

/// <summary>
/// The Correspondence service alone on the real broker, database and SMTP server, asked directly (as the
/// Reminder service would) for the firm and formal steps of the ladder, by email and by letter.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CorrespondenceLadderTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    static readonly DateOnly AsOf = new(2026, 11, 23);

    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    readonly ConcurrentQueue<ReminderSent> _announced = new();
    readonly ConcurrentQueue<Fault<SendReminder>> _faults = new();
    RelanceSystem _system = null!;
    MailCapture _mail = null!;
    HostReceiveEndpointHandle _observer = null!;

    public async Task InitializeAsync()
    {
        _system = await RelanceSystem.StartAsync(infrastructure, new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), Service.Correspondence);
        _mail = new MailCapture(infrastructure.SmtpCapture);
        // What the Reminder service would hear: the announcements, and the faults of the requests refused.
        _observer = Bus.ConnectReceiveEndpoint($"test-observer-{_run}", endpoint =>
        {
            endpoint.Handler<ReminderSent>(context => { _announced.Enqueue(context.Message); return Task.CompletedTask; });
            endpoint.Handler<Fault<SendReminder>>(context => { _faults.Enqueue(context.Message); return Task.CompletedTask; });
        });
        await _observer.Ready;
    }

    public async Task DisposeAsync()
    {
        await _observer.StopAsync();
        await _system.DisposeAsync();
    }

    IBus Bus => _system.Services(Service.Correspondence).GetRequiredService<IBus>();
    HttpClient Correspondence => _system.AsUser(Service.Correspondence, "auditor@relance.test", [RelanceRoles.Auditor]);
    string Customer => $"C-{_run}";
    string Email => $"compta.{_run}@dupont.test";

    async Task Send(SendReminder request) =>
        await (await Bus.GetSendEndpoint(new Uri($"queue:{CorrespondenceTopology.SendReminderQueue}"))).Send(request);

    async Task<string[]> EventTypes(Guid reminderId) =>
        (await Correspondence.GetFromJsonAsync<JsonElement[]>($"/correspondences/{reminderId}/events"))!.Select(e => e.GetProperty("type").GetString()!).ToArray();

    Task<ReminderSent> Announcement(Guid reminderId) =>
        Eventually.Get(() => Task.FromResult(_announced.FirstOrDefault(a => a.ReminderId == reminderId)), Wait, $"the announcement of {reminderId}");

    static string Normalised(string text) => text.Replace('\u202F', ' ').Replace('\u00A0', ' ').ReplaceLineEndings("\n");

    // One step of the ladder for two overdue invoices, with what the Reminder service computed and recalls.
    SendReminder Step(string step, string tone, string channel, int deadlineDays) => new(
        Guid.NewGuid(), $"ACME/{Customer}/EUR", "ACME", step,
        new ReminderRecipient(Customer, "Dupont SARL", Email)
        {
            ContactName = "Mme Martin",
            PostalAddress = new(["12 rue de la Paix"], "75002", "Paris", "France"),
        },
        [
            new($"F-{_run}-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR"),
            new($"F-{_run}-2", new(2026, 10, 15), new(2026, 11, 14), 345.5m, "EUR"),
        ],
        AsOf)
    {
        Channel = channel,
        Tone = tone,
        Template = step,
        Level = 5,
        PaymentDeadlineDays = deadlineDays,
        Claims =
        [
            new($"F-{_run}-1", 23, 12.15m, "taux BCE majoré de 10 points", 9.19m, "EUR", 40m, "EUR"),
            new($"F-{_run}-2", 9, 12.15m, "taux BCE majoré de 10 points", 1.03m, "EUR", 40m, "EUR"),
        ],
        PreviousActions =
        [
            new("courtesy-reminder-1", ReminderChannels.Email, new(2026, 10, 21, 7, 0, 0, TimeSpan.Zero)),
            new("first-call", ReminderChannels.Phone, new(2026, 11, 4, 9, 30, 0, TimeSpan.Zero)),
        ],
    };

    [Fact]
    public async Task A_formal_notice_by_registered_letter_is_rendered_queued_for_posting_and_announced_with_its_hash()
    {
        var notice = Step("formal-notice", ReminderTones.Formal, ReminderChannels.RegisteredLetter, deadlineDays: 8);
        await Send(notice);

        var sent = await Announcement(notice.ReminderId);
        Assert.Equal((ReminderChannels.RegisteredLetter, "Dupont SARL, 12 rue de la Paix, 75002 Paris, France", notice.CaseId),
            (sent.Channel, sent.Recipient, sent.CaseId));

        // The stored document is the one announced: its bytes hash to the announced SHA-256.
        var response = await Correspondence.GetAsync($"/correspondences/{notice.ReminderId}/content");
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.ToString());
        var content = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), sent.ContentSha256);
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(content, 0, 5));
        var lines = PdfText.Lines(content);
        var letter = PdfText.Flat(content);
        Assert.Contains("Dupont SARL\nÀ l'attention de Mme Martin\n12 rue de la Paix\n75002 Paris\nLyon, le 23 novembre 2026\nLettre recommandée avec accusé de réception\n", lines);
        Assert.Contains($"Objet : Mise en demeure de payer – factures impayées – ACME SAS – F-{_run}-1, F-{_run}-2", letter);
        Assert.Contains("nous vous mettons en demeure de nous régler la somme de 1 635,72 € au plus tard le 01/12/2026, soit dans un délai de 8 jours", letter);
        Assert.Contains($"• Facture F-{_run}-1 : pénalités de retard de 9,19 € (23 jours au taux annuel de 12,15 %, taux BCE majoré de 10 points), " +
                        "indemnité forfaitaire pour frais de recouvrement de 40,00 €", letter);
        Assert.Contains("• le 04/11/2026 à 10h30, par téléphone\n", lines);
        Assert.Matches(@"Pour ACME SAS, Service recouvrement Signature :( page (\d+)/\2)?$", letter);

        // Recorded as queued for posting, not as sent; nothing went by email.
        Assert.Equal(["correspondence_requested", "correspondence_rendered", "letter_queued_for_posting", "letter_handed_to_postal_provider"], await EventTypes(notice.ReminderId));
        var state = (await Correspondence.GetFromJsonAsync<JsonElement>($"/correspondences/{notice.ReminderId}"))!;
        Assert.Equal("QueuedForPosting", state.GetProperty("status").GetString());
        Assert.Equal(sent.ContentSha256, state.GetProperty("contentSha256").GetString());
        Assert.Equal("75002", state.GetProperty("queuedForPosting").GetProperty("address").GetProperty("postalCode").GetString());
        Assert.Empty(await _mail.To(Email));

        // Delivered again (as after a crash): nothing more is recorded nor announced.
        await Send(notice);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(4, (await EventTypes(notice.ReminderId)).Length);
        Assert.Single(_announced, a => a.ReminderId == notice.ReminderId);
    }

    [Fact]
    public async Task A_firm_reminder_letter_by_email_reaches_the_debtor_with_the_account_manager_in_copy_the_claims_and_the_deadline()
    {
        var manager = $"commercial.{_run}@acme.test";
        var reminder = Step("reminder-letter", ReminderTones.Firm, ReminderChannels.Email, deadlineDays: 15);
        reminder = reminder with { Recipient = reminder.Recipient with { AccountManagerEmail = manager } };
        await Send(reminder);

        var mail = await Eventually.Get(async () => (await _mail.To(Email)).SingleOrDefault(), Wait, "the reminder letter by email");
        Assert.Equal([manager], mail.Cc);
        Assert.Equal($"Relance pour factures impayées – ACME SAS – F-{_run}-1, F-{_run}-2", mail.Subject);
        var text = Normalised(mail.Text);
        Assert.Contains("- le 21/10/2026 à 09h00, par courriel\n- le 04/11/2026 à 10h30, par téléphone\n", text);
        Assert.Contains($"- Facture F-{_run}-2 : pénalités de retard de 1,03 € (9 jours au taux annuel de 12,15 %, taux BCE majoré de 10 points), " +
                        "indemnité forfaitaire pour frais de recouvrement de 40,00 €\n", text);
        Assert.Contains("Pénalités de retard : 10,22 €\nIndemnités forfaitaires pour frais de recouvrement : 80,00 €\nTotal à régler : 1 635,72 €\n", text);
        Assert.Contains("au plus tard le 08/12/2026, soit sous 15 jours.", text);
        Assert.Contains("notre service contentieux", text);

        // Announced with the hash of exactly the bytes the SMTP server received.
        var sent = await Announcement(reminder.ReminderId);
        Assert.Equal((ReminderChannels.Email, Email), (sent.Channel, sent.Recipient));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await _mail.Source(mail))), sent.ContentSha256);
        Assert.Equal(["correspondence_requested", "correspondence_rendered", "dispatch_started", "correspondence_sent"], await EventTypes(reminder.ReminderId));
    }

    [Fact]
    public async Task An_invoice_resend_reaches_the_debtor_with_the_references_and_the_deadline_but_no_claim_nor_earlier_reminder()
    {
        // As the Reminder service asks it when the customer says it never received the invoices: off the ladder (level 0), courteous.
        var resend = Step("invoice-resend", ReminderTones.Courteous, ReminderChannels.Email, deadlineDays: 8) with { Level = 0, Claims = [] };
        await Send(resend);

        var mail = await Eventually.Get(async () => (await _mail.To(Email)).SingleOrDefault(), Wait, "the invoice resend");
        Assert.Equal($"Nouvel envoi des références de vos factures nos F-{_run}-1 et F-{_run}-2 – ACME SAS", mail.Subject);
        var text = Normalised(mail.Text);
        Assert.Contains($"- Facture n° F-{_run}-1 du 01/10/2026, échéance le 31/10/2026 – montant restant dû : 1 200,00 € TTC\n", text);
        Assert.Contains("dans un délai de 8 jours à compter de la date de ce courriel, soit au plus tard le 01/12/2026.", text);
        Assert.DoesNotContain("pénalités", text);
        Assert.DoesNotContain("sans effet", text);

        var sent = await Announcement(resend.ReminderId);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await _mail.Source(mail))), sent.ContentSha256);
        var state = (await Correspondence.GetFromJsonAsync<JsonElement>($"/correspondences/{resend.ReminderId}"))!;
        Assert.Equal(("Sent", 0), (state.GetProperty("status").GetString(), state.GetProperty("request").GetProperty("level").GetInt32()));
    }

    [Fact]
    public async Task A_letter_without_a_postal_address_ends_in_the_error_queue_with_its_reason_and_nothing_recorded()
    {
        var letter = Step("warning-letter", ReminderTones.Firm, ReminderChannels.Letter, deadlineDays: 8);
        letter = letter with { Recipient = letter.Recipient with { PostalAddress = null } };
        await Send(letter);

        const string reason = "Recipient.PostalAddress: a letter needs the recipient's postal address; none was given";
        var fault = await Eventually.Get(() => Task.FromResult(_faults.FirstOrDefault(f => f.Message.ReminderId == letter.ReminderId)), Wait, "the fault");
        Assert.Equal(reason, Assert.Single(fault.Exceptions).Message);

        var kept = await Eventually.Get(async () => (await ErrorQueues.Peek(_system.RabbitMq, $"{CorrespondenceTopology.SendReminderQueue}_error"))
            .FirstOrDefault(m => m.Body.Contains(letter.ReminderId.ToString())), Wait, "the request in the error queue");
        Assert.Equal(reason, kept.Reason);

        Assert.Equal(HttpStatusCode.NotFound, (await Correspondence.GetAsync($"/correspondences/{letter.ReminderId}")).StatusCode);
        Assert.DoesNotContain(_announced, a => a.ReminderId == letter.ReminderId);
    }

    [Fact]
    public async Task A_formal_notice_in_english_names_its_template_version_and_hash_and_quotes_the_payment_clause()
    {
        var notice = Step("formal-notice", ReminderTones.Formal, ReminderChannels.RegisteredLetter, deadlineDays: 8) with { Language = "en" };
        notice = notice with
        {
            Invoices = [notice.Invoices[0] with { PaymentClause = "30 days net from the invoice date", OriginalDueDate = new(2026, 10, 20) }, notice.Invoices[1]],
        };
        await Send(notice);

        await Announcement(notice.ReminderId);
        var content = await Correspondence.GetByteArrayAsync($"/correspondences/{notice.ReminderId}/content");
        var letter = PdfText.Flat(content);
        Assert.Contains($"Subject: Formal notice to pay – unpaid invoices – ACME SAS – F-{_run}-1, F-{_run}-2", letter);
        Assert.Contains("Lyon, 23 November 2026", letter);
        Assert.Contains($"The due date of invoice F-{_run}-1, originally 20 Oct 2026, was postponed to 31 Oct 2026.", letter);
        Assert.Contains($"Invoice F-{_run}-1: “30 days net from the invoice date”", letter);
        Assert.Contains("We hereby give you formal notice to pay us the sum of €1,635.72 by 1 Dec 2026 at the latest", letter);

        var events = (await Correspondence.GetFromJsonAsync<JsonElement[]>($"/correspondences/{notice.ReminderId}/events"))!;
        var rendered = events.Single(e => e.GetProperty("type").GetString() == "correspondence_rendered").GetProperty("data");
        Assert.Equal("formal-notice/en/v1", rendered.GetProperty("template").GetString());
        var shipped = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Templates", "formal-notice", "en", "v1.liquid"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(shipped)), rendered.GetProperty("templateSha256").GetString());
    }

    [Fact]
    public async Task A_formal_notice_from_a_creditor_without_a_postal_address_is_refused_naming_the_mention_and_nothing_recorded()
    {
        var notice = Step("formal-notice", ReminderTones.Formal, ReminderChannels.RegisteredLetter, deadlineDays: 8) with { CompanyId = "NOWHERE" };
        await Send(notice);

        var fault = await Eventually.Get(() => Task.FromResult(_faults.FirstOrDefault(f => f.Message.ReminderId == notice.ReminderId)), Wait, "the fault");
        Assert.StartsWith("FormalNotice: formal-notice/fr/v2 lacks the sender's details: no postal address is configured for the creditor",
            Assert.Single(fault.Exceptions).Message);
        Assert.Equal(HttpStatusCode.NotFound, (await _system.AsUser(Service.Correspondence, "auditor@relance.test", [RelanceRoles.Auditor], "NOWHERE")
            .GetAsync($"/correspondences/{notice.ReminderId}")).StatusCode);
        Assert.DoesNotContain(_announced, a => a.ReminderId == notice.ReminderId);
    }
}
