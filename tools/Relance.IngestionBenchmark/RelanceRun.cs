using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Relance.IngestionBenchmark;

/// <summary>
/// Relance's figure: ERP "invoice issued" messages published to relance.erp until every one is stored (its "applied"
/// answer on relance.erp.accepted, which the Invoice service publishes after the commit) and announced (its
/// InvoiceRegistered, which the Invoice service's Marten subscription publishes from the stored event, the message the
/// Reminder service builds its dunning cases from). Then the Invoice store is counted.
/// </summary>
sealed class RelanceRun(string broker, NpgsqlDataSource invoiceDb, TimeSpan timeout)
{
    const string AcceptedExchange = "relance.erp.accepted";
    const string RejectedExchange = "relance.erp.rejected";
    // MassTransit's exchange for the Invoice service's public InvoiceRegistered (contracts/Relance.Contracts/Invoicing).
    const string AnnouncementExchange = "Relance.Contracts.Invoicing:InvoiceRegistered";

    public sealed record Result(int Invoices, TimeSpan Stored, TimeSpan Announced)
    {
        public TimeSpan Elapsed => Stored > Announced ? Stored : Announced;
        public double Rate => Invoices / Elapsed.TotalSeconds;
    }

    public async Task<Result> RunAsync(Payload payload)
    {
        var n = payload.Ids.Length;
        var index = new Dictionary<string, int>(n, StringComparer.Ordinal);
        for (var i = 0; i < n; i++) index.Add(payload.Ids[i], i);
        var numbers = new HashSet<string>(n, StringComparer.Ordinal);

        var clock = new Stopwatch();
        var answered = new bool[n];
        int applied = 0, otherwise = 0, announced = 0;
        var rejections = new List<string>();
        TimeSpan storedAt = default, announcedAt = default;

        var connection = await new ConnectionFactory { Uri = new Uri(broker), ClientProvidedName = "ingestion-benchmark-listener" }.CreateConnectionAsync();
        await using var _ = connection;
        // Two channels, so that answers and announcements are read side by side; each consumer runs one delivery at a time.
        await using var answers = await connection.CreateChannelAsync();
        await ListenAsync(answers, [AcceptedExchange, RejectedExchange], delivery =>
        {
            using var answer = JsonDocument.Parse(delivery.Body);
            if (!answer.RootElement.TryGetProperty("messageId", out var id) || id.GetString() is not { } messageId
                || !index.TryGetValue(messageId, out var i) || answered[i]) return; // another run's answer, or a repeat
            answered[i] = true;
            if (delivery.Exchange == RejectedExchange)
            {
                lock (rejections) rejections.Add($"{messageId}: {answer.RootElement}");
            }
            else if (answer.RootElement.TryGetProperty("outcome", out var outcome) && outcome.GetString() == "applied")
            {
                if (Interlocked.Increment(ref applied) == n) storedAt = clock.Elapsed;
            }
            else
            {
                Interlocked.Increment(ref otherwise);
            }
        });
        await using var announcements = await connection.CreateChannelAsync();
        await ListenAsync(announcements, [AnnouncementExchange], delivery =>
        {
            // MassTransit's envelope: the message itself is under "message".
            using var envelope = JsonDocument.Parse(delivery.Body);
            var message = envelope.RootElement.GetProperty("message");
            if (message.GetProperty("companyId").GetString() != payload.Company) return;
            if (numbers.Add(message.GetProperty("invoiceNumber").GetString()!) && Interlocked.Increment(ref announced) == n)
                announcedAt = clock.Elapsed;
        });

        await using var publisher = await Publisher.ConnectAsync(broker);
        clock.Start();
        await publisher.PublishAsync("relance.erp", "invoice.issued", payload.Ids, payload.Bodies);
        var publishedIn = clock.Elapsed;

        var progress = TimeSpan.FromSeconds(10);
        while (Volatile.Read(ref applied) + Volatile.Read(ref otherwise) + rejections.Count < n || Volatile.Read(ref announced) < n)
        {
            if (clock.Elapsed > timeout)
                throw new BenchmarkException($"Relance: timed out after {timeout.TotalSeconds:0} s: {applied} of {n} stored, {announced} announced");
            if (rejections.Count > 0) break;
            if (clock.Elapsed > progress)
            {
                Console.WriteLine($"  … {clock.Elapsed.TotalSeconds:0} s: {applied}/{n} stored, {announced}/{n} announced");
                progress += TimeSpan.FromSeconds(10);
            }
            await Task.Delay(20);
        }
        if (rejections.Count > 0)
            throw new BenchmarkException($"Relance: {rejections.Count} invoices rejected, e.g. {rejections[0]}");
        if (otherwise > 0)
            throw new BenchmarkException($"Relance: {otherwise} of {n} invoices answered already-applied: the company {payload.Company} was not new");

        var stored = await CountStoredAsync(payload.Company);
        if (stored != n) throw new BenchmarkException($"Relance: {n} invoices answered applied but {stored} invoice_issued events stored for {payload.Company}");
        Console.WriteLine($"  published in {publishedIn.TotalSeconds:0.0} s, stored in {storedAt.TotalSeconds:0.0} s, announced in {announcedAt.TotalSeconds:0.0} s; {stored} in the Invoice store");
        return new Result(n, storedAt, announcedAt);
    }

    static async Task ListenAsync(IChannel channel, string[] exchanges, Action<BasicDeliverEventArgs> onDelivery)
    {
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        foreach (var exchange in exchanges) await channel.QueueBindAsync(queue.QueueName, exchange, "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            onDelivery(delivery);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
    }

    async Task<long> CountStoredAsync(string company)
    {
        await using var command = invoiceDb.CreateCommand(
            "SELECT count(*) FROM relance.mt_events WHERE type = 'invoice_issued' AND stream_id LIKE $1");
        command.Parameters.Add(new NpgsqlParameter { Value = company + "/%" });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
