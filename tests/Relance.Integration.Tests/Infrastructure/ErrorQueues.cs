using System.Text;
using RabbitMQ.Client;

namespace Relance.Integration.Tests.Infrastructure;

/// <param name="Reason">Why it failed, as MassTransit wrote it in the MT-Fault-Message header.</param>
public sealed record KeptMessage(string Body, string? Reason);

/// <summary>Reads what MassTransit moved to a "&lt;queue&gt;_error" queue, and leaves it there.</summary>
public static class ErrorQueues
{
    public static async Task<IReadOnlyList<KeptMessage>> Peek(Uri rabbitMq, string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = rabbitMq }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var kept = new List<KeptMessage>();
        var tags = new List<ulong>();
        while (await channel.BasicGetAsync(queue, autoAck: false) is { } message)
        {
            var reason = message.BasicProperties.Headers?.TryGetValue("MT-Fault-Message", out var header) == true
                ? header is byte[] bytes ? Encoding.UTF8.GetString(bytes) : header?.ToString()
                : null;
            kept.Add(new KeptMessage(Encoding.UTF8.GetString(message.Body.Span), reason));
            tags.Add(message.DeliveryTag);
        }
        foreach (var tag in tags) await channel.BasicNackAsync(tag, multiple: false, requeue: true);
        return kept;
    }
}
