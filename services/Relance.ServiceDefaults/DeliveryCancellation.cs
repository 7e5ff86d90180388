using MassTransit;
using MassTransit.RabbitMqTransport;
using RabbitMQ.Client.Events;

namespace Relance.ServiceDefaults;

/// <summary>
/// A cancellation for what a consume does on the broker (publishing an answer) that fires when the channel the message
/// came on closes. RabbitMQ.Client 7.2 ends a dropped connection channel by channel, and before it fails the confirms
/// still awaited on the publishing channel it waits for every consume in flight on a consuming channel to end: a
/// consume awaiting the confirm of its own publish then waits for ever, its receive endpoint with it (the Invoice
/// service's ERP queues were left without a consumer, intermittently, as it depends on the order the channels are
/// closed in). Nothing published after the channel closed can matter: the message was not acknowledged and comes again.
/// </summary>
public sealed class DeliveryCancellation : IDisposable
{
    readonly CancellationTokenSource _source;
    readonly RabbitMQ.Client.IChannel? _channel;

    DeliveryCancellation(ReceiveContext delivery)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(delivery.CancellationToken);
        if (!delivery.TryGetPayload<ChannelContext>(out var channel)) return;
        _channel = channel.Channel;
        _channel.ChannelShutdownAsync += OnChannelShutdown;
        if (_channel.IsClosed) _source.Cancel();
    }

    /// <summary>Cancelled when the message's consume is, or when the channel it came on closes.</summary>
    public CancellationToken Token => _source.Token;

    public static DeliveryCancellation For(ReceiveContext delivery) => new(delivery);

    Task OnChannelShutdown(object sender, ShutdownEventArgs reason)
    {
        try { _source.Cancel(); }
        catch (ObjectDisposedException) { } // the consume ended as its channel closed
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_channel is not null) _channel.ChannelShutdownAsync -= OnChannelShutdown;
        _source.Dispose();
    }
}
