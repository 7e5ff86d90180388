using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Relance.IngestionBenchmark;

/// <summary>
/// The ERP's side of both runs, so that Relance and the raw baseline get their messages the same way: one connection,
/// <see cref="Channels"/> channels with publisher confirms, <see cref="InFlightPerChannel"/> unconfirmed messages each
/// (as tools/Relance.ErpSimulator's bulk mode), persistent and mandatory, the message id in the AMQP message_id.
/// </summary>
sealed class Publisher : IAsyncDisposable
{
    const int Channels = 4;
    const int InFlightPerChannel = 256;

    readonly IConnection connection;
    readonly IReadOnlyList<IChannel> channels;

    Publisher(IConnection connection, IReadOnlyList<IChannel> channels)
    {
        this.connection = connection;
        this.channels = channels;
    }

    public static async Task<Publisher> ConnectAsync(string broker)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(broker), ClientProvidedName = "ingestion-benchmark-publisher" }.CreateConnectionAsync();
        var channels = new List<IChannel>();
        for (var i = 0; i < Channels; i++)
            channels.Add(await connection.CreateChannelAsync(new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(4 * InFlightPerChannel))));
        return new Publisher(connection, channels);
    }

    /// <summary>Publishes every message and returns once the broker has confirmed them all; fails on a return or a nack.</summary>
    public async Task PublishAsync(string exchange, string routingKey, IReadOnlyList<string> ids, IReadOnlyList<byte[]> bodies)
    {
        int returned = 0, refused = 0;
        async Task ShareAsync(IChannel channel, int first)
        {
            var inFlight = new List<ValueTask>(InFlightPerChannel);
            for (var i = first; i < ids.Count; i += Channels)
            {
                var properties = new BasicProperties { MessageId = ids[i], ContentType = "application/json", Persistent = true };
                inFlight.Add(channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, bodies[i]));
                if (inFlight.Count == InFlightPerChannel) await ConfirmedAsync(inFlight);
            }
            await ConfirmedAsync(inFlight);
        }
        async Task ConfirmedAsync(List<ValueTask> inFlight)
        {
            foreach (var publish in inFlight)
            {
                try { await publish; }
                catch (PublishReturnException) { Interlocked.Increment(ref returned); }
                catch (PublishException) { Interlocked.Increment(ref refused); }
            }
            inFlight.Clear();
        }

        await Task.WhenAll(channels.Select((channel, c) => Task.Run(() => ShareAsync(channel, c))));
        if (returned > 0) throw new BenchmarkException($"{returned} of {ids.Count} messages to {exchange} ({routingKey}) were returned: no queue is bound");
        if (refused > 0) throw new BenchmarkException($"the broker refused (nack) {refused} of {ids.Count} messages to {exchange}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in channels) await channel.DisposeAsync();
        await connection.CloseAsync();
        await connection.DisposeAsync();
    }
}

/// <summary>A run that cannot give a figure: a wrong count, a timeout, a refused message.</summary>
sealed class BenchmarkException(string message) : Exception(message);
