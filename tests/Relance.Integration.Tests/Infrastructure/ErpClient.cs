using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using Relance.Contracts.Erp;

namespace Relance.Integration.Tests.Infrastructure;

/// <summary>
/// What a non-.NET ERP does: publishes bare JSON with the AMQP client, and listens to rejections on a queue
/// of its own bound to the rejections exchange. No MassTransit here.
/// </summary>
public sealed class ErpClient : IAsyncDisposable
{
    readonly IConnection _connection;
    readonly IChannel _channel;
    readonly string _rejections;
    readonly ConcurrentDictionary<string, JsonElement> _received = new();

    ErpClient(IConnection connection, IChannel channel, string rejections) =>
        (_connection, _channel, _rejections) = (connection, channel, rejections);

    public static async Task<ErpClient> ConnectAsync(Uri rabbitMq)
    {
        var connection = await new ConnectionFactory { Uri = rabbitMq }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync($"erp-test-rejections-{Guid.NewGuid():N}", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, ErpTopology.RejectionsExchange, routingKey: "");
        return new ErpClient(connection, channel, queue);
    }

    public async Task PublishAsync(string routingKey, string json, string messageId, string? contentType = "application/json")
    {
        var properties = new BasicProperties { MessageId = messageId, ContentType = contentType, Persistent = true };
        await _channel.BasicPublishAsync(ErpTopology.InboundExchange, routingKey, mandatory: true, properties, Encoding.UTF8.GetBytes(json));
    }

    public Task PublishInvoiceAsync(object invoice, string messageId) =>
        PublishAsync(ErpTopology.InvoiceIssuedRoutingKey, JsonSerializer.Serialize(invoice, JsonSerializerOptions.Web), messageId);

    public Task PublishPaymentAsync(object payment, string messageId) =>
        PublishAsync(ErpTopology.PaymentReceivedRoutingKey, JsonSerializer.Serialize(payment, JsonSerializerOptions.Web), messageId);

    /// <summary>The rejection answered to the message with that id (the body of the ErpMessageRejected, as the ERP reads it).</summary>
    public async Task<JsonElement> RejectionOf(string messageId, TimeSpan? timeout = null)
    {
        await Eventually.Until(() => WasRejected(messageId), timeout ?? TimeSpan.FromSeconds(30), $"a rejection of ERP message {messageId}");
        return _received[messageId];
    }

    public async Task<bool> WasRejected(string messageId)
    {
        await Drain();
        return _received.ContainsKey(messageId);
    }

    async Task Drain()
    {
        while (await _channel.BasicGetAsync(_rejections, autoAck: true) is { } message)
        {
            var body = JsonDocument.Parse(message.Body).RootElement.Clone();
            // Plain JSON: the rejection itself, no envelope to unwrap.
            var id = body.GetProperty("messageId").GetString() ?? "";
            _received[id] = body;
        }
    }

    /// <summary>The messages kept in a queue's error queue (bodies as the ERP sent them), left in place.</summary>
    public async Task<IReadOnlyList<string>> KeptIn(string errorQueue)
    {
        var bodies = new List<string>();
        var tags = new List<ulong>();
        while (await _channel.BasicGetAsync(errorQueue, autoAck: false) is { } message)
        {
            bodies.Add(Encoding.UTF8.GetString(message.Body.Span));
            tags.Add(message.DeliveryTag);
        }
        foreach (var tag in tags) await _channel.BasicNackAsync(tag, multiple: false, requeue: true);
        return bodies;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
