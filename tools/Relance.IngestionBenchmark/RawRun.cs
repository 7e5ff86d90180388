using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Relance.IngestionBenchmark;

/// <summary>
/// The raw baseline: the same messages, published the same way to a durable queue of the same kind, read by a plain
/// RabbitMQ.Client consumer (prefetch <see cref="Prefetch"/>, manual acks) that writes each batch of what has arrived
/// (up to the prefetch) with one binary COPY in one transaction into (id, payload jsonb, received_at), and acks the
/// batch after the commit. No validation, no idempotency, no event, no answer, no announcement: the floor's speed.
/// </summary>
sealed class RawRun(string broker, NpgsqlDataSource rawDb, TimeSpan timeout)
{
    const int Prefetch = 500;
    const string Exchange = "ingestion-benchmark.raw";
    const string Queue = "ingestion-benchmark-raw";
    const string RoutingKey = "invoice.issued";

    public sealed record Result(int Invoices, TimeSpan Elapsed)
    {
        public double Rate => Invoices / Elapsed.TotalSeconds;
    }

    readonly record struct Delivery(ulong Tag, string Id, string Payload);

    public async Task<Result> RunAsync(Payload payload)
    {
        var n = payload.Ids.Length;
        await using (var create = rawDb.CreateCommand(
            "CREATE TABLE IF NOT EXISTS raw_invoice (id text PRIMARY KEY, payload jsonb NOT NULL, received_at timestamptz NOT NULL); TRUNCATE raw_invoice"))
            await create.ExecuteNonQueryAsync();

        var connection = await new ConnectionFactory { Uri = new Uri(broker), ClientProvidedName = "ingestion-benchmark-raw-consumer" }.CreateConnectionAsync();
        await using var _ = connection;
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true);
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(Queue, Exchange, RoutingKey);
        await channel.QueuePurgeAsync(Queue);
        await channel.BasicQosAsync(0, Prefetch, global: false);

        var inbox = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            // The body is the client's buffer only during this handler.
            inbox.Writer.TryWrite(new Delivery(delivery.DeliveryTag, delivery.BasicProperties.MessageId!, Encoding.UTF8.GetString(delivery.Body.Span)));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(Queue, autoAck: false, consumer);

        await using var publisher = await Publisher.ConnectAsync(broker);
        var clock = Stopwatch.StartNew();
        var writing = WriteAsync(inbox.Reader, channel, n, clock);
        await publisher.PublishAsync(Exchange, RoutingKey, payload.Ids, payload.Bodies);
        if (await Task.WhenAny(writing, Task.Delay(timeout)) != writing)
            throw new BenchmarkException($"raw: timed out after {timeout.TotalSeconds:0} s");
        var elapsed = await writing;

        await using var count = rawDb.CreateCommand("SELECT count(*) FROM raw_invoice");
        var stored = (long)(await count.ExecuteScalarAsync())!;
        if (stored != n) throw new BenchmarkException($"raw: {n} messages published but {stored} rows stored");
        return new Result(n, elapsed);
    }

    async Task<TimeSpan> WriteAsync(ChannelReader<Delivery> inbox, IChannel channel, int n, Stopwatch clock)
    {
        await using var db = await rawDb.OpenConnectionAsync();
        var batch = new List<Delivery>(Prefetch);
        var stored = 0;
        while (stored < n)
        {
            await inbox.WaitToReadAsync();
            while (batch.Count < Prefetch && inbox.TryRead(out var delivery)) batch.Add(delivery);
            await using (var transaction = await db.BeginTransactionAsync())
            {
                await using (var copy = await db.BeginBinaryImportAsync("COPY raw_invoice (id, payload, received_at) FROM STDIN (FORMAT BINARY)"))
                {
                    var now = DateTime.UtcNow;
                    foreach (var delivery in batch)
                    {
                        await copy.StartRowAsync();
                        await copy.WriteAsync(delivery.Id, NpgsqlDbType.Text);
                        await copy.WriteAsync(delivery.Payload, NpgsqlDbType.Jsonb);
                        await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    }
                    await copy.CompleteAsync();
                }
                await transaction.CommitAsync();
            }
            await channel.BasicAckAsync(batch[^1].Tag, multiple: true);
            stored += batch.Count;
            batch.Clear();
        }
        return clock.Elapsed;
    }
}
