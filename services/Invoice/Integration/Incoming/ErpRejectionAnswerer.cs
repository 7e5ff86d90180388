using System.Net.Mime;
using System.Runtime.Serialization;
using System.Text.Json;
using MassTransit;
using Relance.Contracts.Erp;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Integration.Incoming;

/// <summary>
/// Answers the ERP when one of its messages cannot be accepted: unreadable JSON, a field of the wrong type,
/// or a content the deciders refuse. MassTransit itself moves the message to the queue's "_error" queue,
/// where it is kept for inspection and replay; this observer only tells the sender why, and logs it.
/// </summary>
// The bus is resolved when first needed: the observer is built while the bus itself is being built.
public sealed class ErpRejectionAnswerer(IServiceProvider services, TimeProvider clock, ILogger<ErpRejectionAnswerer> logger) : IReceiveObserver
{
    static readonly string[] ErpQueues = [ErpTopology.InvoiceIssuedQueue, ErpTopology.PaymentReceivedQueue];

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;
    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;
    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

    // The consumer refused the content.
    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class =>
        exception is MessageRejectedException rejected
            ? Answer(context.ReceiveContext, rejected.Reasons)
            : Task.CompletedTask;

    // The message could not even be read as the expected type.
    public Task ReceiveFault(ReceiveContext context, Exception exception) =>
        Unreadable(exception) is { } json
            ? Answer(context, [ReasonOf(json)])
            : Task.CompletedTask;

    async Task Answer(ReceiveContext context, IReadOnlyList<(string Field, string Error)> reasons)
    {
        var messageId = MessageIds.MessageIdOf(context);
        var queue = context.InputAddress.AbsolutePath.Trim('/').Split('/').Last();
        if (!ErpQueues.Contains(queue)) return;

        var rejection = new ErpMessageRejected(
            messageId,
            queue,
            reasons.Select(r => new RejectionReason(r.Field, r.Error)).ToList(),
            $"{queue}_error",
            clock.GetUtcNow());
        logger.LogWarning("Rejected ERP message {ErpMessageId} from {Queue}: {Reasons}",
            messageId, queue, string.Join("; ", reasons.Select(r => $"{r.Field}: {r.Error}")));
        // Plain JSON like what the ERP sent, so that no MassTransit envelope needs to be understood.
        await services.GetRequiredService<IBus>().Publish(rejection, send =>
            send.Serializer = send.Serialization.GetMessageSerializer(new ContentType("application/json")));
    }

    static JsonException? Unreadable(Exception? exception) => exception switch
    {
        null => null,
        JsonException json => json,
        SerializationException or AggregateException or InvalidOperationException => Unreadable(exception.InnerException),
        _ => null,
    };

    static (string Field, string Error) ReasonOf(JsonException json)
    {
        var field = json.Path is null or "$" ? "$" : json.Path.TrimStart('$', '.');
        var detail = json.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.', ' ');
        return field == "$"
            ? ("$", $"the body is not a valid JSON object: {detail}")
            : (field, $"has the wrong type or format: {detail}");
    }
}
