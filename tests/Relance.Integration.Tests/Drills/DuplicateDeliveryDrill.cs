using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Relance.Contracts.Erp;
using Relance.Integration.Tests.Infrastructure;
using Relance.Integration.Tests.Scenarios;
using Xunit.Abstractions;

namespace Relance.Integration.Tests.Drills;

/// <summary>
/// Fault drill: every ERP message delivered twice while traffic flows. An ERP sends 40 customers and 200 invoices,
/// pays some before any reminder and some after the first one; each message goes twice under its message id, and a
/// third time under a new message id, as an ERP re-sending after a crash does: the contract recognises an invoice by its
/// number, a payment by its id, and a customer described as it already is changes nothing. All copies are shuffled and published at once, so
/// that copies of one message are consumed side by side. The clock then runs until both courtesy reminders are due.
/// Counted in the stores, in the captured mail and in the answers: nothing stored or sent twice, nothing after a payment.
/// </summary>
[Collection(AuditCollection.Name)]
[Trait("Category", "Fault")]
public sealed class DuplicateDeliveryDrill(TestInfrastructure infrastructure, ITestOutputHelper output)
{
    const int Customers = 40;
    const int InvoicesPerCustomer = 5;
    // Customers 0-7 pay everything the day after; the others pay their first invoice then, their second after the first reminder.
    const int FullyPaidCustomers = 8;
    static readonly DateOnly Issued = new(2026, 3, 2);
    static readonly DateOnly Due = new(2026, 3, 20); // courtesy reminders on 10 and 17 March
    static readonly DateOnly PaidEarly = new(2026, 3, 3);
    static readonly DateOnly PaidAfterFirstReminder = new(2026, 3, 12);
    static readonly DateOnly LastDay = new(2026, 3, 18);
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    readonly string _run = Guid.NewGuid().ToString("N")[..6];
    readonly Random _random = new(8);
    readonly Dictionary<string, DateOnly> _paidOn = [];
    readonly List<(string Message, string RoutingKey, string[] Ids)> _published = [];
    int _deliveries;

    string Customer(int c) => $"C-{_run}-{c:00}";
    string Email(int c) => $"factures.{_run}.{c:00}@drill.test";
    string InvoiceNumber(int c, int k) => $"F-{_run}-{c:00}{k}";

    static DateTimeOffset At(DateOnly day) => new(day.ToDateTime(new TimeOnly(8, 0)), TimeSpan.Zero);
    static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    bool PaidBeforeAnyReminder(int c, int k) => c < FullyPaidCustomers || k == 0;
    bool PaidAfterOneReminder(int c, int k) => c >= FullyPaidCustomers && k == 1;

    [Fact]
    public async Task Every_erp_message_delivered_twice_is_applied_once_and_no_reminder_leaves_twice_or_after_a_payment()
    {
        var watch = Stopwatch.StartNew();
        await using var scenario = await DunningScenario.StartAsync(infrastructure, DunningScenario.OnlyTheDailyRuns);
        var system = scenario.System;
        system.Clock.SetUtcNow(At(Issued));

        await DeliverTwice(system, Enumerable.Range(0, Customers).Select(c => (ErpTopology.CustomerUpsertedRoutingKey, $"customer {c}", (object)new
        {
            companyId = "ACME", customerId = Customer(c), legalName = $"Client {c} SAS",
            contacts = new[] { new { role = "billing", name = "Service comptable", email = Email(c) } },
        })));
        await DeliverTwice(system, from c in Enumerable.Range(0, Customers)
                                   from k in Enumerable.Range(0, InvoicesPerCustomer)
                                   select (ErpTopology.InvoiceIssuedRoutingKey, InvoiceNumber(c, k), (object)new
                                   {
                                       companyId = "ACME", invoiceNumber = InvoiceNumber(c, k),
                                       customer = new { customerId = Customer(c), name = $"Client {c} SAS", email = Email(c) },
                                       issueDate = Date(Issued), dueDate = Date(Due),
                                       amountExcludingVat = 1000m + 10 * k, amountIncludingVat = 1200m + 12 * k, currency = "EUR",
                                   }));
        await CasesShow(scenario, (_, _) => false);

        for (var day = Issued.AddDays(1); day <= LastDay; day = day.AddDays(1))
        {
            system.Clock.SetUtcNow(At(day));
            if (day == PaidEarly) await Pay(system, scenario, day, PaidBeforeAnyReminder);
            if (day == PaidAfterFirstReminder) await Pay(system, scenario, day, (c, k) => PaidBeforeAnyReminder(c, k) || PaidAfterOneReminder(c, k));
            await scenario.RunScheduler();
            await EveryWrittenReminderLeft(system);
        }

        var counts = await Count(system);
        output.WriteLine($"drill: duplicates: {_published.Count} ERP messages delivered {_deliveries} times (twice under their id, once more under a new id), " +
                         $"{counts.InvoicesStored} invoices stored, {counts.InvoicesStoredTwice} twice, {counts.PaymentsApplied} payments applied, {counts.PaymentsAppliedTwice} twice, " +
                         $"{counts.RemindersSent} reminders sent ({counts.EmailsCaptured} emails captured), {counts.RemindersTwice} twice, {counts.AfterPayment} after payment, " +
                         $"{counts.DuplicateEvents} duplicate events; {watch.Elapsed.TotalSeconds:0} s");

        var paidEarly = Invoices().Count(i => PaidBeforeAnyReminder(i.C, i.K));
        var paidLater = Invoices().Count(i => PaidAfterOneReminder(i.C, i.K));
        var chased = Customers - FullyPaidCustomers;
        Assert.Equal((Customers * InvoicesPerCustomer, 0), (counts.InvoicesStored, counts.InvoicesStoredTwice));
        Assert.Equal((paidEarly + paidLater, 0, paidEarly + paidLater), (counts.PaymentsApplied, counts.PaymentsAppliedTwice, counts.InvoicesSettled));
        // Each chased customer: the first courtesy reminder, then the second; the fully paid ones none.
        Assert.Equal((2 * chased, 2 * chased, 0, 0, 0), (counts.RemindersSent, counts.EmailsCaptured, counts.RemindersTwice, counts.AfterPayment, counts.DuplicateEvents));
    }

    IEnumerable<(int C, int K)> Invoices() =>
        from c in Enumerable.Range(0, Customers) from k in Enumerable.Range(0, InvoicesPerCustomer) select (c, k);

    async Task Pay(RelanceSystem system, DunningScenario scenario, DateOnly day, Func<int, int, bool> paidBy)
    {
        var payments = Invoices().Where(i => paidBy(i.C, i.K) && !_paidOn.ContainsKey(InvoiceNumber(i.C, i.K))).ToList();
        foreach (var (c, k) in payments) _paidOn[InvoiceNumber(c, k)] = day;
        await DeliverTwice(system, payments.Select(i => (ErpTopology.PaymentReceivedRoutingKey, $"P-{InvoiceNumber(i.C, i.K)}", (object)new
        {
            companyId = "ACME", paymentId = $"P-{InvoiceNumber(i.C, i.K)}", invoiceNumber = InvoiceNumber(i.C, i.K),
            amount = 1200m + 12 * i.K, currency = "EUR", receivedOn = Date(day),
        })));
        await CasesShow(scenario, paidBy);
    }

    /// <summary>
    /// Publishes each message under its id twice, and once more under a new id, all shuffled; then waits for
    /// every answer and checks that each message was applied once and answered "already-applied" for every other copy.
    /// </summary>
    async Task DeliverTwice(RelanceSystem system, IEnumerable<(string RoutingKey, string Name, object Body)> messages)
    {
        var batch = new List<(string RoutingKey, string Name, string Json, string[] Ids)>();
        foreach (var (routingKey, name, body) in messages)
        {
            var id = $"erp-{_run}-{_published.Count + batch.Count}";
            batch.Add((routingKey, name, JsonSerializer.Serialize(body, JsonSerializerOptions.Web), [id, id, $"{id}-resent"]));
        }
        var copies = batch.SelectMany(m => m.Ids.Select(id => (m.RoutingKey, m.Json, Id: id))).OrderBy(_ => _random.Next()).ToList();
        foreach (var (routingKey, json, id) in copies) await system.Erp.PublishAsync(routingKey, json, id);
        _deliveries += copies.Count;
        _published.AddRange(batch.Select(m => (m.Name, m.RoutingKey, m.Ids)));

        IReadOnlyDictionary<string, List<JsonElement>> answers = new Dictionary<string, List<JsonElement>>();
        await Eventually.Until(async () =>
        {
            answers = await system.Erp.AnswersSoFar();
            return copies.GroupBy(c => c.Id).All(g => answers.TryGetValue(g.Key, out var a) && a.Count >= g.Count());
        }, Wait, $"an answer to each of {copies.Count} copies");
        foreach (var (_, name, _, ids) in batch)
        {
            var outcomes = ids.Distinct().SelectMany(id => answers[id])
                .Select(a => a.TryGetProperty("outcome", out var outcome) ? outcome.GetString() : $"rejected: {a}").ToList();
            Assert.True(outcomes.Count == ids.Length && outcomes.Count(o => o == "applied") == 1 && outcomes.Count(o => o == "already-applied") == ids.Length - 1,
                $"{name}: {ids.Length} copies answered {string.Join(", ", outcomes)}");
        }
    }

    /// <summary>Waits until the Reminder service's cases know every invoice, and owe exactly the ones not paid yet.</summary>
    async Task CasesShow(DunningScenario scenario, Func<int, int, bool> paid)
    {
        var manager = scenario.Reminder;
        var mismatch = "";
        try
        {
            await Eventually.Until(async () =>
            {
                foreach (var c in Enumerable.Range(0, Customers))
                {
                    var response = await manager.GetAsync($"/cases/ACME/{Customer(c)}/EUR");
                    if (!response.IsSuccessStatusCode) { mismatch = $"{Customer(c)}: no case ({(int)response.StatusCode})"; return false; }
                    var @case = await response.Content.ReadFromJsonAsync<JsonElement>();
                    var known = @case.GetProperty("knownInvoices").EnumerateArray().Select(i => i.GetString()).ToHashSet();
                    var open = @case.GetProperty("openInvoices").EnumerateArray().Select(i => i.GetProperty("invoiceNumber").GetString()).ToHashSet();
                    var expectedOpen = Enumerable.Range(0, InvoicesPerCustomer).Where(k => !paid(c, k)).Select(k => InvoiceNumber(c, k)).ToHashSet();
                    mismatch = $"{Customer(c)}: knows {string.Join(",", known)}, owes {string.Join(",", open)}, expected to owe {string.Join(",", expectedOpen)}";
                    if (known.Count != InvoicesPerCustomer || !open.SetEquals(expectedOpen)) return false;
                }
                return true;
            }, Wait, "every case with its invoices and payments");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last seen {mismatch}", e);
        }
    }

    static Task EveryWrittenReminderLeft(RelanceSystem system) =>
        Eventually.Until(async () => await Stores.Count(system, Service.Reminder, """
            SELECT count(*) FROM relance.mt_events r
            WHERE r.type = 'reminder_requested' AND r.data->>'Channel' <> 'phone'
              AND NOT EXISTS (SELECT 1 FROM relance.mt_events s WHERE s.type IN ('reminder_sent', 'reminder_withdrawn') AND s.data->>'ReminderId' = r.data->>'ReminderId')
            """) == 0, Wait, "every written reminder sent or withdrawn");

    sealed record Counts(
        long InvoicesStored, long InvoicesStoredTwice, long PaymentsApplied, long PaymentsAppliedTwice, long InvoicesSettled,
        int RemindersSent, int EmailsCaptured, int RemindersTwice, int AfterPayment, long DuplicateEvents);

    async Task<Counts> Count(RelanceSystem system)
    {
        async Task<(long Streams, long Twice)> PerInvoice(string type)
        {
            var row = (await Stores.Rows(system, Service.Invoice,
                $"SELECT count(DISTINCT stream_id), count(*) - count(DISTINCT stream_id) FROM relance.mt_events WHERE type = '{type}'")).Single();
            return (Convert.ToInt64(row[0]), Convert.ToInt64(row[1]));
        }
        var issued = await PerInvoice("invoice_issued");
        var payments = await PerInvoice("payment_received");
        var settled = await PerInvoice("invoice_settled");
        // An invoice settled twice counts as a payment applied twice: the second settlement could only come from one.

        // The reminders as the Reminder service asked for them, and as the Correspondence service sent them.
        var requested = (await Stores.Rows(system, Service.Reminder, """
            SELECT stream_id, data->>'Step', data->>'ReminderId', (data->>'RequestedAt')::timestamptz, data->'Invoices'
            FROM relance.mt_events WHERE type = 'reminder_requested' AND data->>'Channel' <> 'phone'
            """)).Select(r => (Case: (string)r[0], Step: (string)r[1], ReminderId: Guid.Parse((string)r[2]), At: (DateTime)r[3],
                Invoices: JsonDocument.Parse((string)r[4]).RootElement.EnumerateArray().Select(i => i.GetProperty("InvoiceNumber").GetString()!).ToList())).ToList();
        var sentPerReminder = (await Stores.Rows(system, Service.Correspondence,
            "SELECT stream_id, count(*) FROM relance.mt_events WHERE type = 'correspondence_sent' GROUP BY stream_id"))
            .ToDictionary(r => Guid.Parse((string)r[0]), r => Convert.ToInt32(r[1]));
        var recordedSent = await Stores.Count(system, Service.Reminder, "SELECT count(*) - count(DISTINCT data->>'ReminderId') FROM relance.mt_events WHERE type = 'reminder_sent'");

        var mail = new MailCapture(infrastructure.SmtpCapture);
        var emails = new List<CapturedMail>();
        await Eventually.Until(async () =>
        {
            emails = [];
            foreach (var c in Enumerable.Range(0, Customers)) emails.AddRange(await mail.To(Email(c)));
            return emails.Count >= sentPerReminder.Values.Sum();
        }, Wait, "the emails sent in the capture");
        var emailsPerReminder = emails.GroupBy(e => e.MessageId?.Trim('<', '>')).ToDictionary(g => g.Key ?? "", g => g.ToList());

        var twice = requested.GroupBy(r => (r.Case, r.Step)).Count(g => g.Count() > 1)
                    + sentPerReminder.Values.Count(n => n > 1)
                    + emailsPerReminder.Values.Count(e => e.Count > 1)
                    + (int)recordedSent;
        // A reminder asking for an invoice paid before it was asked for, in the request or in the email that left.
        bool PaidBefore(string invoice, DateTime at) => _paidOn.TryGetValue(invoice, out var day) && At(day) <= at;
        var afterPayment = requested.Count(r => r.Invoices.Any(i => PaidBefore(i, r.At)))
                           + requested.Count(r => emailsPerReminder.TryGetValue($"{r.ReminderId:N}@relance", out var sent)
                                                  && sent.Any(e => _paidOn.Keys.Any(i => PaidBefore(i, r.At) && e.Text.Contains(i, StringComparison.Ordinal))));

        // The same message applied twice shows as two events of one type in one stream with the same cause.
        long duplicates = 0;
        foreach (var service in new[] { Service.Invoice, Service.Reminder, Service.Correspondence })
            duplicates += await Stores.Count(system, service, """
                SELECT count(*) FROM (SELECT 1 FROM relance.mt_events WHERE causation_id IS NOT NULL
                GROUP BY stream_id, type, causation_id HAVING count(*) > 1) d
                """);

        return new Counts(issued.Streams, issued.Twice, payments.Streams, payments.Twice + settled.Twice, settled.Streams,
            sentPerReminder.Count, emails.Count, twice, afterPayment, duplicates);
    }
}
