using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SerilogContext = Serilog.Context.LogContext;

namespace Relance.ServiceDefaults;

public static class Messaging
{
    /// <summary>How long a consume may go on once its endpoint stops (a dropped connection, a shutdown) before it is cancelled.</summary>
    public static readonly TimeSpan ConsumerStopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a stopping endpoint waits for its consumes at most; well within the host's shutdown timeout.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// MassTransit on RabbitMQ with Relance's conventions: kebab-case endpoint names, retries with back-off,
    /// then the message moves to "&lt;queue&gt;_error" (MassTransit's default) and a Fault is published.
    /// Broker address: ConnectionStrings:RabbitMq, an amqp:// URI.
    /// </summary>
    /// <remarks>
    /// When a connection drops, each receive endpoint stops and starts again once the consumes in flight have ended.
    /// A consume waiting on the broker (RabbitMQ.Client 7.2 can leave a publish's confirm pending for ever on a channel
    /// that closed under it) would keep its endpoint stopped, and the process from stopping: consumes still running
    /// <see cref="ConsumerStopTimeout"/> after a stop began are cancelled (their message, never acknowledged, is
    /// delivered again), and a stop gives up waiting after <see cref="StopTimeout"/>.
    /// </remarks>
    public static void AddRelanceMessaging(
        this WebApplicationBuilder builder,
        Action<IBusRegistrationConfigurator> registerConsumers,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        var rabbit = new Uri(builder.Configuration.GetConnectionString("RabbitMq")
            ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq is not set (e.g. amqp://guest:guest@localhost:5672/)."));

        builder.Services.Configure<MassTransitHostOptions>(host =>
        {
            host.ConsumerStopTimeout = ConsumerStopTimeout;
            host.StopTimeout = StopTimeout;
        });
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddReceiveEndpointObserver(services => services.GetRequiredService<ReceiveEndpointWatch>());
            bus.AddReceiveObserver(services => services.GetRequiredService<ReceiveEndpointWatch>());
            bus.SetKebabCaseEndpointNameFormatter();
            registerConsumers(bus);
            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(rabbit);
                cfg.UseConsumeFilter(typeof(LogContextFilter<>), context);
                cfg.UseMessageRetry(retry =>
                {
                    retry.Ignore<MessageRejectedException>();
                    retry.Ignore<System.Text.Json.JsonException>();
                    retry.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
                });
                // Amounts and rates are JSON numbers, as the schemas say (MassTransit writes decimals as strings by default).
                cfg.ConfigureJsonSerializerOptions(options =>
                {
                    var stringDecimals = options.Converters.Where(c => c.CanConvert(typeof(decimal))).ToList();
                    foreach (var converter in stringDecimals) options.Converters.Remove(converter);
                    options.Converters.Add(new DecimalAsNumberConverter());
                    return options;
                });
                // Plain JSON for what leaves towards ERPs (see ErpPublishing); MassTransit's envelope between services.
                cfg.AddRawJsonSerializer(RawSerializerOptions.Default);
                // Exchanges declared at start-up, so that an ERP can bind its queues before the first message.
                cfg.DeployPublishTopology = true;
                configureBus?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
    }

    /// <summary>Puts the message's ids in the log context of everything logged while it is consumed.</summary>
    sealed class LogContextFilter<T> : IFilter<ConsumeContext<T>> where T : class
    {
        public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
        {
            using (SerilogContext.PushProperty("MessageId", MessageIds.MessageIdOf(context.ReceiveContext)))
            using (SerilogContext.PushProperty("CorrelationId", MessageIds.CorrelationOf(context)))
            using (SerilogContext.PushProperty("MessageType", typeof(T).Name))
                await next.Send(context);
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("relance-log-context");
    }
}

/// <summary>
/// The ids a message is known by. An ERP names its messages with the AMQP message_id and correlation_id
/// properties, free strings that MassTransit only reads when they are GUIDs; between Relance services the
/// correlation travels as a string header for the same reason.
/// </summary>
public static class MessageIds
{
    public const string CorrelationHeader = "Relance-Correlation-Id";

    public static string? MessageIdOf(ReceiveContext context) =>
        Amqp(context)?.MessageId is { Length: > 0 } id ? id : context.GetMessageId()?.ToString();

    public static string? CorrelationOf(ConsumeContext context) =>
        context.Headers.Get<string>(CorrelationHeader)
        ?? (Amqp(context.ReceiveContext)?.CorrelationId is { Length: > 0 } amqp ? amqp : null)
        ?? context.CorrelationId?.ToString()
        ?? MessageIdOf(context.ReceiveContext);

    static RabbitMQ.Client.IReadOnlyBasicProperties? Amqp(ReceiveContext context) =>
        context.TryGetPayload<RabbitMqBasicConsumeContext>(out var amqp) ? amqp.Properties : null;

    /// <summary>Events appended because of a message: done by <paramref name="actor"/>, caused by that message, in its correlation.</summary>
    public static void AttributeTo(this Marten.IDocumentSession session, ConsumeContext context, string actor) =>
        session.Attribute(actor, CorrelationOf(context), MessageIdOf(context.ReceiveContext));

    /// <summary>Events appended because of a message between Relance services: done by the system.</summary>
    public static void AttributeTo<T>(this Marten.IDocumentSession session, ConsumeContext<T> context) where T : class =>
        session.AttributeTo(context, $"system:{typeof(T).Name}");

    /// <summary>The id of the message about <paramref name="part"/> that event <paramref name="eventId"/> causes, when it causes several: stable (a repeat is spotted), each its own.</summary>
    public static Guid Derived(Guid eventId, Guid part)
    {
        Span<byte> input = stackalloc byte[32];
        eventId.TryWriteBytes(input[..16]);
        part.TryWriteBytes(input[16..]);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(input, hash);
        return new Guid(hash[..16]);
    }

    /// <summary>An outgoing message caused by a stored event: its id is the event's id, and the event's correlation travels on.</summary>
    public static void StampFrom(this SendContext send, JasperFx.Events.IEvent e)
    {
        send.MessageId = e.Id;
        if (e.CorrelationId is { } correlation)
        {
            send.Headers.Set(CorrelationHeader, correlation);
            if (Guid.TryParse(correlation, out var guid)) send.CorrelationId = guid;
        }
        send.Headers.Set("Relance-Stream", e.StreamKey);
        send.Headers.Set("Relance-Event-Sequence", e.Sequence);
    }
}

/// <summary>Messages for ERPs: plain JSON (no MassTransit envelope) on a fanout exchange of a documented name.</summary>
public static class ErpPublishing
{
    static readonly System.Net.Mime.ContentType PlainJson = new("application/json");

    public static void PublishToErpsOn<T>(this IRabbitMqBusFactoryConfigurator cfg, string exchange) where T : class
    {
        cfg.Message<T>(m => m.SetEntityName(exchange));
        cfg.Publish<T>(_ => { });
    }

    public static Task PublishToErps<T>(this IPublishEndpoint bus, T message, Action<PublishContext>? stamp = null, CancellationToken cancellation = default)
        where T : class =>
        bus.Publish(message, send =>
        {
            send.Serializer = send.Serialization.GetMessageSerializer(PlainJson);
            stamp?.Invoke(send);
        }, cancellation);
}

/// <summary>Writes a decimal as a JSON number; reads a number, or a string holding one (as older senders wrote them).</summary>
public sealed class DecimalAsNumberConverter : System.Text.Json.Serialization.JsonConverter<decimal>
{
    public override decimal Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        reader.TokenType != System.Text.Json.JsonTokenType.String ? reader.GetDecimal()
        : decimal.TryParse(reader.GetString(), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw new System.Text.Json.JsonException($"'{reader.GetString()}' is not a number");

    public override void Write(System.Text.Json.Utf8JsonWriter writer, decimal value, System.Text.Json.JsonSerializerOptions options) =>
        writer.WriteNumberValue(value);
}
