using MassTransit;
using Relance.Contracts.Erp;

namespace Relance.InvoiceService.Integration.Incoming;

/// <summary>
/// The ERP's side of the broker (see contracts/README.md): plain JSON published to the "relance.erp" topic
/// exchange, one durable queue per message kind, each with its "_error" queue for what cannot be accepted.
/// </summary>
public static class ErpEndpoints
{
    public static void AddErpConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<InvoiceIssuedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<PaymentReceivedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddReceiveObserver<ErpRejectionAnswerer>();
    }

    public static void ConfigureErpEndpoints(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        cfg.Message<ErpMessageRejected>(m => m.SetEntityName(ErpTopology.RejectionsExchange));
        // Declared at start-up, so that an ERP can bind its queue before the first rejection.
        cfg.Publish<ErpMessageRejected>(_ => { });
        cfg.DeployPublishTopology = true;
        cfg.AddRawJsonSerializer(RawSerializerOptions.Default);

        Inbound<InvoiceIssuedConsumer>(cfg, context, ErpTopology.InvoiceIssuedQueue, ErpTopology.InvoiceIssuedRoutingKey);
        Inbound<PaymentReceivedConsumer>(cfg, context, ErpTopology.PaymentReceivedQueue, ErpTopology.PaymentReceivedRoutingKey);
    }

    static void Inbound<TConsumer>(IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context, string queue, string routingKey)
        where TConsumer : class, IConsumer
    {
        cfg.ReceiveEndpoint(queue, endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            // ERPs send bare JSON, with or without a content type: no MassTransit envelope, no .NET type names.
            endpoint.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
            endpoint.Bind(ErpTopology.InboundExchange, exchange =>
            {
                exchange.ExchangeType = "topic";
                exchange.RoutingKey = routingKey;
            });
            endpoint.ConfigureConsumer<TConsumer>(context);
        });
    }
}
