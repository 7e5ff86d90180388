using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Relance.Benchmarking;
using Relance.PaymentStopBenchmark;

// relance-payment-stop [--repo .] [--handed-over 2000] [--scheduled 8000] [--rate 1000]
//
// Payment-stop latency (issue 8): the time from an ERP's payment published to its case closed in the Reminder
// service, with every send still pending called off: the next scheduled action of the case dropped, and a reminder
// already handed to the Correspondence service recalled (its withdrawal sent). Payments for every open invoice are
// published at a steady rate; each latency is measured from just before its publish to the commit of the last of
// those events (mt_events.timestamp, the same machine's clock). Then the Correspondence service, stopped meanwhile so
// that the handed-over reminders wait in its queue with their withdrawals behind them, is started: none may leave.
// Baseline in the same run: a RabbitMQ.Client consumer closing the same number of case rows in plain SQL (one
// transaction a payment: the case closed, its pending actions deleted), fed at the same rate.
var settings = Settings.From(args);
var culture = CultureInfo.InvariantCulture;
var run = DateTime.UtcNow.ToString("HHmmss", culture);
var logs = Path.Combine(settings.Repo, ".relance", "bench", $"payment-stop-{DateTime.UtcNow:yyyyMMddHHmmss}");
Directory.CreateDirectory(logs);
var json = new JsonSerializerOptions(JsonSerializerOptions.Web);
const string Company = "BENCH";
var total = settings.HandedOver + settings.Scheduled;
string Number(int i) => $"PS{run}-{i:D6}";
bool HandedOver(int i) => i < settings.HandedOver;
void Say(string line) => Console.WriteLine($"[payment-stop] {line}");
Say($"{settings.HandedOver:N0} invoices with a reminder handed over, {settings.Scheduled:N0} with one scheduled; payments at {settings.Rate:N0}/s; logs in {logs}");

using var broker = new Broker(settings);
await broker.FreshVirtualHost();
foreach (var name in new[] { "invoice", "reminder", "correspondence", "raw" })
    await Sql.Exec(settings.Postgres, "postgres", $"DROP DATABASE IF EXISTS {Settings.DatabasePrefix}{name} WITH (FORCE)");

var failures = new List<string>();
await using (var services = new Services(settings, logs))
{
    // The Correspondence service stays down until the payments are all in: what it is handed waits in its queue.
    services.Start("Invoice");
    services.Start("Reminder");
    await services.WaitReady(TimeSpan.FromMinutes(2), "Invoice", "Reminder");

    // Each invoice its own customer. Due in 5 days: the courtesy reminder (10 days before) is due at once and handed
    // over; due in 60 days: it is scheduled 50 days ahead.
    var today = DateOnly.FromDateTime(DateTime.UtcNow);
    var seeding = Stopwatch.StartNew();
    await using (var erp = await Publisher.Open(settings.Broker, "relance-bench-erp"))
    {
        var pending = new List<Task>();
        for (var i = 0; i < total; i++)
        {
            var number = Number(i);
            pending.Add(erp.Publish("relance.erp", "invoice.issued", $"bench-inv-{number}", JsonSerializer.SerializeToUtf8Bytes(new
            {
                companyId = Company, invoiceNumber = number,
                customer = new { customerId = $"K-{number}", name = $"Client {number} SARL", email = $"{number}@bench.example".ToLowerInvariant() },
                issueDate = today.AddDays(-25), dueDate = today.AddDays(HandedOver(i) ? 5 : 60),
                amountExcludingVat = 1000.00m, amountIncludingVat = 1200.00m, currency = "EUR",
            }, json)));
            if (pending.Count >= 500) { await Task.WhenAll(pending); pending.Clear(); }
        }
        await Task.WhenAll(pending);
    }
    var reminder = settings.Database("reminder");
    await Until(TimeSpan.FromMinutes(10), async () => await Sql.Count(reminder, "SELECT count(*) FROM relance.mt_doc_dunningcase") == total,
        $"{total:N0} dunning cases");
    await Until(TimeSpan.FromMinutes(10), async () => await broker.Depth("correspondence-send-reminder") == settings.HandedOver,
        $"{settings.HandedOver:N0} reminders handed over to the Correspondence service's queue");
    Say($"seeded in {seeding.Elapsed.TotalSeconds:0} s: {total:N0} cases, {settings.HandedOver:N0} reminders waiting in the Correspondence service's queue");

    // Payments in random order: first at the rate the issue sets, then, once everything has stopped, at a rate this
    // machine sustains. Each payment's publish instant is kept.
    var loadBefore = BenchRow.LoadAverage();
    var order = Enumerable.Range(0, total).OrderBy(_ => Random.Shared.Next()).ToArray();
    var sustainedCount = Math.Min(settings.SustainedPayments, total / 2);
    var burst = await Pay(0, total - sustainedCount, settings.Rate);
    var sustained = await Pay(total - sustainedCount, sustainedCount, settings.SustainedRate);
    var relance = burst.Latency;
    var nextActions = await Sql.Count(reminder, "SELECT count(*) FROM relance.mt_doc_dunningcase WHERE data->>'NextActionAt' IS NOT NULL");
    Say($"cases with an action still planned: {nextActions}");
    if (nextActions != 0) failures.Add($"{nextActions} closed cases still have an action planned");

    // The Correspondence service now reads its queue: every request followed by its withdrawal.
    var draining = Stopwatch.StartNew();
    services.Start("Correspondence");
    await services.WaitReady(TimeSpan.FromMinutes(2), "Correspondence");
    var correspondence = settings.Database("correspondence");
    await Until(TimeSpan.FromMinutes(5), async () => await broker.Depth("correspondence-send-reminder") == 0
        && await Sql.Count(correspondence, "SELECT count(*) FROM relance.mt_events WHERE type IN ('correspondence_withdrawn', 'correspondence_withdrawal_too_late')") == settings.HandedOver,
        "the Correspondence service's queue read, every withdrawal answered");
    var withdrawn = await Sql.Count(correspondence, "SELECT count(*) FROM relance.mt_events WHERE type = 'correspondence_withdrawn'");
    var sentAfter = await Sql.Count(correspondence, "SELECT count(*) FROM relance.mt_events WHERE type IN ('correspondence_sent', 'letter_queued_for_posting')");
    await Until(TimeSpan.FromMinutes(2), async () => await Sql.Count(reminder, "SELECT count(*) FROM relance.mt_events WHERE type = 'reminder_withdrawn'") == withdrawn,
        "every withdrawal recorded on its case");
    Say($"Correspondence service started after the payments: {settings.HandedOver:N0} requests read in {draining.Elapsed.TotalSeconds:0.0} s, " +
        $"{withdrawn:N0} withdrawn before they left, {sentAfter:N0} sent after their payment");
    if (sentAfter != 0) failures.Add($"{sentAfter} reminders sent after their payment");

    // The raw baseline, the services stopped: the same number of payments, the same rate, plain SQL.
    await services.DisposeAsync();
    var raw = await RawBaseline.Run(settings, total);
    Say($"raw: {raw}");

    var notes = $"{total:N0} cases, each its own customer and invoice; {settings.HandedOver:N0} had a reminder handed over to the Correspondence service " +
                $"(stopped meanwhile: recalled, then {withdrawn:N0} withdrawn and {sentAfter:N0} sent once it read its queue), the others a reminder scheduled (dropped). " +
                $"At {settings.Rate:N0}/s: {burst.Count:N0} payments published in {burst.Publishing.TotalSeconds:0.0} s, all stopped after {burst.Stopped.TotalSeconds:0.0} s, " +
                $"p95 {burst.Latency.P95:0} ms, max {burst.Latency.Max:0} ms; raw p95 {raw.P95:0} ms. " +
                $"Load average before the payments {loadBefore}, after {BenchRow.LoadAverage()}";
    const string Baseline = "RabbitMQ.Client consume (8 at once) + one Npgsql transaction closing the case row and deleting its pending action";
    const string Command = "bash deploy/bench.sh payment-stop";
    new BenchRow("payment-stop", $"payment to case closed and pending sends called off at {settings.Rate:N0} payments/s, p50", relance.P50, "ms",
        raw.P50, Baseline, BenchRow.OfRawTime(relance.P50, raw.P50), null, null, Command, notes).Append();
    new BenchRow("payment-stop", $"payment to case closed and pending sends called off at {settings.Rate:N0} payments/s, p99", relance.P99, "ms",
        raw.P99, Baseline, BenchRow.OfRawTime(relance.P99, raw.P99), "p99 < 1 s at 1,000 messages/s", relance.P99 < 1000 && failures.Count == 0, Command, notes).Append();
    var sustainedNotes = $"{sustained.Count:N0} more payments at {settings.SustainedRate:N0}/s once the first ones had all stopped: published in {sustained.Publishing.TotalSeconds:0.0} s, " +
                         $"p95 {sustained.Latency.P95:0} ms, max {sustained.Latency.Max:0} ms; raw at {settings.Rate:N0}/s as above";
    new BenchRow("payment-stop", $"the same at {settings.SustainedRate:N0} payments/s, p50", sustained.Latency.P50, "ms",
        raw.P50, Baseline, BenchRow.OfRawTime(sustained.Latency.P50, raw.P50), null, null, Command, sustainedNotes).Append();
    new BenchRow("payment-stop", $"the same at {settings.SustainedRate:N0} payments/s, p99", sustained.Latency.P99, "ms",
        raw.P99, Baseline, BenchRow.OfRawTime(sustained.Latency.P99, raw.P99), null, null, Command, sustainedNotes).Append();

    // Payments order[from .. from+count) at the rate; returns once each of their cases stopped.
    async Task<Phase> Pay(int from, int count, double rate)
    {
        var published = new ConcurrentDictionary<string, DateTime>();
        var closedBefore = await Sql.Count(reminder, "SELECT count(*) FROM relance.mt_events WHERE type = 'dunning_case_closed'");
        var handedOver = order.Skip(from).Take(count).Count(HandedOver);
        var recalledBefore = await Sql.Count(reminder, "SELECT count(*) FROM relance.mt_events WHERE type = 'reminder_recalled'");
        var paying = Stopwatch.StartNew();
        await using (var erp = await Publisher.Open(settings.Broker, "relance-bench-erp-payments"))
        {
            var confirms = new List<Task>();
            await Pace.Run(count, rate, k =>
            {
                var number = Number(order[from + k]);
                published[$"{Company}/K-{number}/EUR"] = DateTime.UtcNow;
                confirms.Add(erp.Publish("relance.erp", "payment.received", $"bench-pay-{number}", JsonSerializer.SerializeToUtf8Bytes(new
                {
                    companyId = Company, paymentId = $"P-{number}", invoiceNumber = number, amount = 1200.00m, currency = "EUR", receivedOn = today,
                }, json)));
                return Task.CompletedTask;
            });
            await Task.WhenAll(confirms);
        }
        var publishing = paying.Elapsed;
        await Until(TimeSpan.FromMinutes(6), async () =>
                await Sql.Count(reminder, "SELECT count(*) FROM relance.mt_events WHERE type = 'dunning_case_closed'") == closedBefore + count
                && await Sql.Count(reminder, "SELECT count(*) FROM relance.mt_events WHERE type = 'reminder_recalled'") == recalledBefore + handedOver,
            $"the {count:N0} cases paid at {rate:N0}/s closed, their {handedOver:N0} handed-over reminders recalled");
        var stoppedAfter = paying.Elapsed;

        // A case's stop: its closing and, for a reminder handed over, its recall; whichever committed last.
        var stopped = new Dictionary<string, DateTime>();
        foreach (var row in await Sql.Rows(reminder, """
                     SELECT stream_id, max(timestamp) FROM relance.mt_events
                     WHERE type IN ('dunning_case_closed', 'reminder_recalled') GROUP BY stream_id
                     """))
            stopped[(string)row[0]] = ((DateTime)row[1]).ToUniversalTime();
        var latency = Latency.Of([.. published.Select(p => (stopped[p.Key] - p.Value).TotalMilliseconds)]);
        Say($"{count:N0} payments at {rate:N0}/s published in {publishing.TotalSeconds:0.0} s, all stopped {stoppedAfter.TotalSeconds:0.0} s after the first; " +
            $"{handedOver:N0} handed-over reminders recalled; Relance: {latency}");
        return new Phase(count, publishing, stoppedAfter, latency);
    }
}
await broker.DeleteVirtualHost();
foreach (var failure in failures) Console.Error.WriteLine($"[payment-stop] FAILED: {failure}");
return failures.Count == 0 ? 0 : 1;

async Task Until(TimeSpan within, Func<Task<bool>> condition, string what)
{
    var until = DateTime.UtcNow + within;
    while (!await condition())
    {
        if (DateTime.UtcNow > until) throw new TimeoutException($"not reached within {within}: {what}");
        await Task.Delay(200);
    }
}

sealed record Phase(int Count, TimeSpan Publishing, TimeSpan Stopped, Latency Latency);
