using MassTransit;
using Relance.Contracts.Erp;
using Relance.ServiceDefaults;
using Erp = Relance.Contracts.Erp;

namespace Relance.InvoiceService.Integration.Incoming;

/// <summary>
/// The ERP's side of the broker (contracts/README.md): plain JSON published to the "relance.erp" topic
/// exchange, one durable queue per message kind, each with its "_error" queue for what cannot be accepted;
/// answers on the "relance.erp.accepted" and "relance.erp.rejected" fanout exchanges.
/// </summary>
public static class ErpEndpoints
{
    public static void AddErpConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<InvoiceIssuedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<InvoiceCorrectedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<InvoiceCancelledConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<CreditNoteIssuedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<PaymentReceivedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<DisputeOpenedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<DisputeClosedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<EInvoicingStatusConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<CustomerUpsertedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddReceiveObserver<ErpRejections>();
    }

    public static void ConfigureErpEndpoints(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        cfg.PublishToErpsOn<ErpMessageAccepted>(ErpTopology.AcceptedExchange);
        cfg.PublishToErpsOn<ErpMessageRejected>(ErpTopology.RejectionsExchange);
        cfg.PublishToErpsOn<ErpInvoiceSettled>(ErpTopology.InvoiceSettledExchange);

        Inbound<InvoiceIssuedConsumer, Erp.InvoiceIssued>(cfg, context);
        Inbound<InvoiceCorrectedConsumer, Erp.InvoiceCorrected>(cfg, context);
        Inbound<InvoiceCancelledConsumer, Erp.InvoiceCancelled>(cfg, context);
        Inbound<CreditNoteIssuedConsumer, Erp.CreditNoteIssued>(cfg, context);
        Inbound<PaymentReceivedConsumer, Erp.PaymentReceived>(cfg, context);
        Inbound<DisputeOpenedConsumer, Erp.DisputeOpened>(cfg, context);
        Inbound<DisputeClosedConsumer, Erp.DisputeClosed>(cfg, context);
        Inbound<EInvoicingStatusConsumer, Erp.EInvoicingStatusReported>(cfg, context);
        Inbound<CustomerUpsertedConsumer, Erp.CustomerUpserted>(cfg, context);
    }

    static void Inbound<TConsumer, TMessage>(IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context)
        where TConsumer : class, IConsumer<TMessage>
        where TMessage : class, IErpMessage
    {
        var kind = ErpTopology.For<TMessage>();
        cfg.ReceiveEndpoint(kind.Queue, endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            // ERPs send bare JSON, with or without a content type: no MassTransit envelope, no .NET type names.
            endpoint.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
            endpoint.Bind(ErpTopology.InboundExchange, exchange =>
            {
                exchange.ExchangeType = "topic";
                exchange.RoutingKey = kind.RoutingKey;
            });
            endpoint.ConfigureConsumer<TConsumer>(context);
        });
    }
}
