using System.Collections.Concurrent;
using System.Text.Json;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Relance.PaymentStopBenchmark;

/// <summary>
/// The same stop without Relance: a queue of payments (the same JSON) read with RabbitMQ.Client (manual acks, prefetch
/// 100, 8 handled at once, as a competent hand-written consumer would), each applied in one Npgsql transaction (a pooled
/// connection) that closes its case row and deletes its pending action row, acknowledged after the commit. Latency from
/// just before the publish to the commit, as for Relance.
/// </summary>
static class RawBaseline
{
    public static async Task<Latency> Run(Settings settings, int count)
    {
        var database = settings.Database("raw");
        await Sql.Exec(settings.Postgres, "postgres", $"CREATE DATABASE {Settings.DatabasePrefix}raw");
        await Sql.Exec(settings.Postgres, Settings.DatabasePrefix + "raw", """
            CREATE TABLE dunning_case (id text PRIMARY KEY, status text NOT NULL, closed_at timestamptz);
            CREATE TABLE pending_action (case_id text NOT NULL REFERENCES dunning_case (id), due_at timestamptz NOT NULL, channel text NOT NULL);
            CREATE INDEX ON pending_action (case_id);
            """);
        string Case(int i) => $"BENCH/K-RAW-{i:D6}/EUR";
        await using (var seed = new NpgsqlConnection(database))
        {
            await seed.OpenAsync();
            await using (var cases = await seed.BeginBinaryImportAsync("COPY dunning_case (id, status) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < count; i++) { await cases.StartRowAsync(); await cases.WriteAsync(Case(i)); await cases.WriteAsync("open"); }
                await cases.CompleteAsync();
            }
            await using (var actions = await seed.BeginBinaryImportAsync("COPY pending_action (case_id, due_at, channel) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < count; i++)
                {
                    await actions.StartRowAsync(); await actions.WriteAsync(Case(i)); await actions.WriteAsync(DateTime.UtcNow.AddDays(1), NpgsqlTypes.NpgsqlDbType.TimestampTz); await actions.WriteAsync("email");
                }
                await actions.CompleteAsync();
            }
        }

        var published = new ConcurrentDictionary<string, DateTime>();
        var committed = new ConcurrentDictionary<string, DateTime>();
        var done = new TaskCompletionSource();
        await using var connection = await new ConnectionFactory { Uri = new Uri(settings.Broker), ClientProvidedName = "relance-bench-raw" }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: 8));
        const string queue = "raw-payments";
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.BasicQosAsync(0, 100, false);
        await using var pool = NpgsqlDataSource.Create(database);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            using var payment = JsonDocument.Parse(delivery.Body);
            var id = $"BENCH/K-{payment.RootElement.GetProperty("invoiceNumber").GetString()}/EUR";
            await using var db = await pool.OpenConnectionAsync();
            await using (var transaction = await db.BeginTransactionAsync())
            {
                await using var batch = new NpgsqlBatch(db, transaction)
                {
                    BatchCommands =
                    {
                        new("UPDATE dunning_case SET status = 'closed', closed_at = now() WHERE id = $1 AND status = 'open'") { Parameters = { new() { Value = id } } },
                        new("DELETE FROM pending_action WHERE case_id = $1") { Parameters = { new() { Value = id } } },
                    },
                };
                await batch.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
            }
            committed[id] = DateTime.UtcNow;
            await channel.BasicAckAsync(delivery.DeliveryTag, false);
            if (committed.Count == count) done.TrySetResult();
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);

        await using (var erp = await Publisher.Open(settings.Broker, "relance-bench-raw-payments"))
        {
            var confirms = new List<Task>();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var order = Enumerable.Range(0, count).OrderBy(_ => Random.Shared.Next()).ToArray();
            await Pace.Run(count, settings.Rate, k =>
            {
                var number = $"RAW-{order[k]:D6}";
                published[$"BENCH/K-{number}/EUR"] = DateTime.UtcNow;
                confirms.Add(erp.Publish("", queue, $"raw-pay-{number}", JsonSerializer.SerializeToUtf8Bytes(new
                {
                    companyId = "BENCH", paymentId = $"P-{number}", invoiceNumber = number, amount = 1200.00m, currency = "EUR", receivedOn = today,
                }, JsonSerializerOptions.Web)));
                return Task.CompletedTask;
            });
            await Task.WhenAll(confirms);
        }
        if (await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromMinutes(3))) != done.Task)
            throw new TimeoutException($"raw baseline: {committed.Count} of {count} payments applied");
        var closed = await Sql.Count(database, "SELECT count(*) FROM dunning_case WHERE status = 'closed'");
        if (closed != count || await Sql.Count(database, "SELECT count(*) FROM pending_action") != 0)
            throw new InvalidOperationException($"raw baseline: {closed} of {count} cases closed");
        return Latency.Of([.. published.Select(p => (committed[p.Key] - p.Value).TotalMilliseconds)]);
    }
}
