using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using Relance.Contracts.Erp;

namespace Relance.Integration.Tests.Infrastructure;

/// <summary>
/// What a non-.NET ERP does: publishes bare JSON with the AMQP client, and reads the answers from queues of
/// its own bound to the accepted and rejected exchanges. No MassTransit here.
/// </summary>
public sealed class ErpClient : IAsyncDisposable
{
    readonly IConnection _connection;
    readonly IChannel _channel;
    readonly string _answers;
    readonly string _events;
    readonly ConcurrentDictionary<string, List<JsonElement>> _received = new();
    readonly ConcurrentQueue<(string Exchange, string? MessageId, JsonElement Body)> _notifications = new();

    ErpClient(IConnection connection, IChannel channel, string answers, string events) =>
        (_connection, _channel, _answers, _events) = (connection, channel, answers, events);

    /// <summary>The name the ERP's connection shows on the broker: a drill that cuts the services' connections spares it.</summary>
    public const string ConnectionName = "relance-test-erp";

    /// <summary>Connects once the Invoice service has declared the exchanges.</summary>
    public static async Task<ErpClient> ConnectAsync(Uri rabbitMq)
    {
        var connection = await new ConnectionFactory { Uri = rabbitMq, ClientProvidedName = ConnectionName }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync($"erp-test-answers-{Guid.NewGuid():N}", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, ErpTopology.AcceptedExchange, routingKey: "");
        await channel.QueueBindAsync(queue, ErpTopology.RejectionsExchange, routingKey: "");
        var events = (await channel.QueueDeclareAsync($"erp-test-events-{Guid.NewGuid():N}", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(events, ErpTopology.InvoiceSettledExchange, routingKey: "");
        // Only where a Reminder service runs is that exchange declared.
        try { await channel.ExchangeDeclarePassiveAsync(ErpTopology.ReminderActionTakenExchange); }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            await channel.DisposeAsync();
            channel = await connection.CreateChannelAsync();
            return new ErpClient(connection, channel, queue, events);
        }
        // Everything else Relance tells ERPs comes from the Reminder service.
        var answersAndInvoices = new[] { ErpTopology.AcceptedExchange, ErpTopology.RejectionsExchange, ErpTopology.InvoiceSettledExchange };
        foreach (var exchange in ErpTopology.Outbound.Select(o => o.Exchange).Except(answersAndInvoices))
            await channel.QueueBindAsync(events, exchange, routingKey: "");
        return new ErpClient(connection, channel, queue, events);
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

    /// <summary>The answers to the message with that id, in the order they came (the plain JSON the ERP reads).</summary>
    public async Task<IReadOnlyList<JsonElement>> AnswersTo(string messageId, int atLeast = 1, TimeSpan? timeout = null)
    {
        await Eventually.Until(async () =>
        {
            await Drain();
            return _received.TryGetValue(messageId, out var answers) && answers.Count >= atLeast;
        }, timeout ?? TimeSpan.FromSeconds(30), $"{atLeast} answer(s) to ERP message {messageId}");
        return _received[messageId];
    }

    /// <summary>Every answer received so far, by the message id it quotes (for drills that check thousands at once).</summary>
    public async Task<IReadOnlyDictionary<string, List<JsonElement>>> AnswersSoFar()
    {
        await Drain();
        return _received;
    }

    /// <summary>The one answer to the message with that id, which must be a rejection.</summary>
    public async Task<JsonElement> RejectionOf(string messageId)
    {
        var answer = Assert.Single(await AnswersTo(messageId));
        Assert.True(answer.TryGetProperty("reasons", out _), $"{messageId} was accepted: {answer}");
        return answer;
    }

    /// <summary>The outcome of the one acceptance of that message: "applied" or "already-applied".</summary>
    public async Task<string> OutcomeOf(string messageId)
    {
        var answer = Assert.Single(await AnswersTo(messageId));
        Assert.True(answer.TryGetProperty("outcome", out var outcome), $"{messageId} was rejected: {answer}");
        return outcome.GetString()!;
    }

    /// <summary>What Relance told the ERP on that exchange so far (plain JSON bodies, with their AMQP message ids).</summary>
    public async Task<IReadOnlyList<(string? MessageId, JsonElement Body)>> NotificationsOn(string exchange)
    {
        while (await _channel.BasicGetAsync(_events, autoAck: true) is { } message)
            _notifications.Enqueue((message.Exchange, message.BasicProperties.MessageId, JsonDocument.Parse(message.Body).RootElement.Clone()));
        return [.. _notifications.Where(n => n.Exchange == exchange).Select(n => (n.MessageId, n.Body))];
    }

    async Task Drain()
    {
        while (await _channel.BasicGetAsync(_answers, autoAck: true) is { } message)
        {
            var body = JsonDocument.Parse(message.Body).RootElement.Clone();
            // Plain JSON: the answer itself, no envelope to unwrap.
            _received.GetOrAdd(body.GetProperty("messageId").GetString() ?? "", _ => []).Add(body);
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
