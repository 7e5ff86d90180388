using MassTransit;

namespace Relance.InvoiceService.Integration.Incoming;

/// <summary>
/// An ERP names its messages with the AMQP message_id and correlation_id properties, free strings that
/// MassTransit only reads when they are GUIDs: read them from the AMQP properties themselves.
/// </summary>
public static class ErpMessageId
{
    public static string? Of(ReceiveContext context) =>
        context.TryGetPayload<RabbitMqBasicConsumeContext>(out var amqp) && !string.IsNullOrWhiteSpace(amqp.Properties.MessageId)
            ? amqp.Properties.MessageId
            : context.GetMessageId()?.ToString();

    public static string? CorrelationOf(ReceiveContext context) =>
        context.TryGetPayload<RabbitMqBasicConsumeContext>(out var amqp) && !string.IsNullOrWhiteSpace(amqp.Properties.CorrelationId)
            ? amqp.Properties.CorrelationId
            : Of(context);
}
