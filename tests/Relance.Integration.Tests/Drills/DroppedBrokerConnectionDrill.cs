using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using RabbitMQ.Client;
using Relance.Contracts.Erp;
using Relance.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Relance.Integration.Tests.Drills;

/// <summary>
/// Fault drill: the broker drops the Invoice service's connections (closed through the management API, as an operator or
/// a broker failover would) several times while an ERP publishes invoices. Every invoice published must be stored and
/// answered, every ERP queue must have its consumer again, and while an endpoint is down the service must say it is not
/// ready. Before the fix, a consume awaiting the confirm of its answer kept RabbitMQ.Client from finishing the close of
/// the dropped connection: the queue was left without a consumer for good while /health/ready answered Healthy
/// (README "Fault drills", finding 1; intermittent, as it depends on the order the client closes the channels in).
/// </summary>
[Collection(AuditCollection.Name)]
[Trait("Category", "Fault")]
public sealed class DroppedBrokerConnectionDrill(TestInfrastructure infrastructure, ITestOutputHelper output)
{
    const int Customers = 10;
    const int InvoicesPerSecond = 25;
    const int Cuts = 4;
    static readonly TimeSpan BeforeFirstCut = TimeSpan.FromSeconds(2);
    static readonly TimeSpan BetweenCuts = TimeSpan.FromSeconds(1);
    static readonly TimeSpan AfterLastCut = TimeSpan.FromSeconds(2);
    static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    readonly string _run = Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task Invoices_flowing_while_the_broker_drops_the_Invoice_services_connections_are_all_stored_and_its_queues_consume_again()
    {
        var watch = Stopwatch.StartNew();
        await using var system = await RelanceSystem.StartAsync(infrastructure, new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero), Service.Invoice);
        using var stop = new CancellationTokenSource();
        var published = new ConcurrentQueue<string>();
        var readiness = new ConcurrentQueue<(TimeSpan At, bool Ready, string Report)>();
        var traffic = Task.Run(() => Publish(system, published, stop.Token));
        var probe = Task.Run(() => WatchReadiness(system, watch, readiness, stop.Token));

        var cuts = new List<(TimeSpan At, int Connections)>();
        var closed = new HashSet<string>();
        await Task.Delay(BeforeFirstCut);
        for (var cut = 0; cut < Cuts; cut++)
        {
            if (cut > 0) await Task.Delay(BetweenCuts);
            var connections = await CloseServiceConnections(system, closed);
            cuts.Add((watch.Elapsed, connections));
        }
        await Task.Delay(AfterLastCut);
        await stop.CancelAsync();
        await traffic;
        await probe;
        var trafficEnded = watch.Elapsed;

        // Every invoice published is stored once and answered; the queues consume again; the service is ready.
        long stored = 0;
        IReadOnlyDictionary<string, List<JsonElement>> answers = new Dictionary<string, List<JsonElement>>();
        var consumers = new Dictionary<string, uint>();
        var settled = true;
        try
        {
            await Eventually.Until(async () =>
            {
                stored = await Stores.Count(system, Service.Invoice, "SELECT count(DISTINCT stream_id) FROM relance.mt_events WHERE type = 'invoice_issued'");
                answers = await system.Erp.AnswersSoFar();
                consumers = await ConsumersOfTheErpQueues(system);
                return stored == published.Count && published.All(answers.ContainsKey) && consumers.Values.All(c => c > 0);
            }, Settle, "every invoice stored and answered, every ERP queue with a consumer");
        }
        catch (TimeoutException)
        {
            settled = false;
        }
        var storedTwice = await Stores.Count(system, Service.Invoice, "SELECT count(*) - count(DISTINCT stream_id) FROM relance.mt_events WHERE type = 'invoice_issued'");
        var unanswered = published.Where(id => !answers.ContainsKey(id)).ToList();
        var rejected = published.Where(id => answers.TryGetValue(id, out var a) && a.Any(x => !x.TryGetProperty("outcome", out _))).ToList();
        var finalReadiness = await system.Http(Service.Invoice).GetAsync("/health/ready");
        var notReadyAfterCut = cuts.Select((cut, i) => readiness.Any(r => !r.Ready && r.At >= cut.At && r.At < (i + 1 < cuts.Count ? cuts[i + 1].At : trafficEnded))).ToList();

        output.WriteLine($"drill: dropped connections: {cuts.Count} cuts ({string.Join(", ", cuts.Select(c => $"{c.Connections} connections at {c.At.TotalSeconds:0.0} s"))}) " +
                         $"with {published.Count} invoices published at {InvoicesPerSecond}/s; {stored} stored, {storedTwice} twice, {unanswered.Count} unanswered, {rejected.Count} rejected; " +
                         $"ERP queues without a consumer: {consumers.Count(c => c.Value == 0)} of {consumers.Count}; " +
                         $"/health/ready said not ready after {notReadyAfterCut.Count(n => n)} of {cuts.Count} cuts ({readiness.Count(r => !r.Ready)} of {readiness.Count} probes), " +
                         $"ready at the end: {finalReadiness.IsSuccessStatusCode}; traffic {trafficEnded.TotalSeconds:0} s, drill {watch.Elapsed.TotalSeconds:0} s");
        foreach (var report in readiness.Where(r => !r.Ready).Select(r => r.Report).Distinct().Take(5)) output.WriteLine($"not ready: {report}");
        if (!finalReadiness.IsSuccessStatusCode) output.WriteLine($"at the end: {await finalReadiness.Content.ReadAsStringAsync()}");

        Assert.True(settled, $"{stored} of {published.Count} invoices stored, {unanswered.Count} unanswered; queues without a consumer: " +
                             string.Join(", ", consumers.Where(c => c.Value == 0).Select(c => c.Key)));
        Assert.Equal((published.Count, 0L, 0), ((int)stored, storedTwice, rejected.Count));
        Assert.True(finalReadiness.IsSuccessStatusCode, await finalReadiness.Content.ReadAsStringAsync());
        // The endpoints stop and start again at each cut; readiness must have shown it at least once (probed every 50 ms).
        Assert.Contains(true, notReadyAfterCut);
    }

    /// <summary>An ERP publishing invoices at a steady rate until told to stop; the ids published, in order.</summary>
    async Task Publish(RelanceSystem system, ConcurrentQueue<string> published, CancellationToken stop)
    {
        var interval = TimeSpan.FromSeconds(1.0 / InvoicesPerSecond);
        var clock = Stopwatch.StartNew();
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var number = $"F-{_run}-{n:0000}";
            var customer = n % Customers;
            var id = $"drop-{_run}-{n}";
            await system.Erp.PublishInvoiceAsync(new
            {
                companyId = "ACME", invoiceNumber = number,
                customer = new { customerId = $"C-{_run}-{customer}", name = "Client SAS", email = $"compta.{_run}.{customer}@drill.test" },
                issueDate = "2026-03-02", dueDate = "2026-05-01", amountExcludingVat = 1000.00m, amountIncludingVat = 1200.00m, currency = "EUR",
            }, id);
            published.Enqueue(id);
            var due = interval * (n + 1) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try { await Task.Delay(due, stop); }
                catch (OperationCanceledException) { }
            }
        }
    }

    static async Task WatchReadiness(RelanceSystem system, Stopwatch watch, ConcurrentQueue<(TimeSpan, bool, string)> readiness, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var response = await system.Http(Service.Invoice).GetAsync("/health/ready", stop);
                readiness.Enqueue((watch.Elapsed, response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(stop)));
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        }
    }

    /// <summary>
    /// Closes every connection of the system's virtual host but the ERP's, as the broker does when it drops them. The
    /// management API lists a connection a few seconds after it opens: it waits for one it has not closed before.
    /// </summary>
    async Task<int> CloseServiceConnections(RelanceSystem system, HashSet<string> closedBefore)
    {
        using var management = infrastructure.Management();
        var open = await Eventually.Get(async () =>
        {
            var connections = await management.GetFromJsonAsync<JsonElement[]>($"api/vhosts/{Uri.EscapeDataString(system.VirtualHost)}/connections") ?? [];
            var names = connections
                .Where(c => !(c.GetProperty("client_properties").TryGetProperty("connection_name", out var n) && n.GetString() == ErpClient.ConnectionName))
                .Select(c => c.GetProperty("name").GetString()!)
                .Where(name => !closedBefore.Contains(name))
                .ToList();
            return names.Count > 0 ? names : null;
        }, TimeSpan.FromSeconds(15), "a connection of the Invoice service listed by the management API");
        foreach (var name in open)
        {
            (await management.DeleteAsync($"api/connections/{Uri.EscapeDataString(name)}")).EnsureSuccessStatusCode();
            closedBefore.Add(name);
        }
        return open.Count;
    }

    /// <summary>Each ERP queue's consumers as the broker counts them now (a passive declare answers at once, unlike the management statistics).</summary>
    static async Task<Dictionary<string, uint>> ConsumersOfTheErpQueues(RelanceSystem system)
    {
        await using var connection = await new ConnectionFactory { Uri = system.RabbitMq }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var consumers = new Dictionary<string, uint>();
        foreach (var kind in ErpTopology.Inbound) consumers[kind.Queue] = (await channel.QueueDeclarePassiveAsync(kind.Queue)).ConsumerCount;
        return consumers;
    }
}
