using JasperFx.Events.Projections;
using Marten;
using Relance.InvoiceService.Integration.Incoming;
using Relance.InvoiceService.Integration.Outgoing;
using Relance.InvoiceService.Invoices;
using Relance.Contracts.Invoicing;
using Relance.InvoiceService.Invoices.CheckingOwed;
using Relance.InvoiceService.Invoices.GettingInvoice;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService;

/// <summary>The Invoice service: records what ERPs invoice and are paid, and announces it.</summary>
public static class InvoiceApp
{
    public const string Name = "invoice";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = RelanceHost.CreateBuilder(args, Name, defaultPort: 5101);

        builder.AddRelanceEventStore(Name, ConfigureEvents)
            .AddSubscriptionWithServices<InvoiceAnnouncer>(ServiceLifetime.Singleton, o => o.Name = InvoiceAnnouncer.SubscriptionName);

        builder.Services.AddSingleton<ErpAnswers>();
        builder.AddRelanceMessaging(
            bus =>
            {
                bus.AddErpConsumers();
                // The Correspondence service's last look before a reminder leaves.
                bus.AddConsumer<CheckInvoicesOwedConsumer>().Endpoint(e => e.Name = InvoicingTopology.InvoicesOwedQueue);
            },
            (context, cfg) => cfg.ConfigureErpEndpoints(context));

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseRelanceDefaults();
        app.MapGetInvoice();
        return app;
    }

    /// <summary>The service's event types, projections and indexes: the same for the service and for the audit tools.</summary>
    public static void ConfigureEvents(StoreOptions options)
    {
        options.Projections.Add<InvoiceProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<Customers.CustomerProjection>(ProjectionLifecycle.Inline);
    }
}
