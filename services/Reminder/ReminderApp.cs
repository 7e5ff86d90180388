using JasperFx.Events.Projections;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.GettingCase;
using Relance.ReminderService.DunningCases.RequestingDueReminders;
using Relance.ReminderService.Integration.Incoming;
using Relance.ReminderService.Integration.Outgoing;
using Relance.ServiceDefaults;

namespace Relance.ReminderService;

/// <summary>The Reminder service: one dunning case per customer, its schedule, and the reminders it asks for.</summary>
public static class ReminderApp
{
    public const string Name = "reminder";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = RelanceHost.CreateBuilder(args, Name, defaultPort: 5102);

        builder.Services.AddSingleton(builder.Configuration.GetSection("Dunning").Get<DunningPolicy>() ?? new DunningPolicy());
        builder.Services.AddSingleton(builder.Configuration.GetSection("Reminder:Scheduler").Get<SchedulerOptions>() ?? new SchedulerOptions());
        builder.Services.AddHostedService<ReminderScheduler>();

        builder.AddRelanceEventStore(Name, options =>
            {
                options.Projections.Add<DunningCaseProjection>(ProjectionLifecycle.Inline);
                options.Schema.For<DunningCase>().Index(c => c.NextReminderAt);
            })
            .AddSubscriptionWithServices<ReminderDispatcher>(ServiceLifetime.Singleton, o => o.Name = ReminderDispatcher.SubscriptionName)
            .AddSubscriptionWithServices<ReminderActionsToErp>(ServiceLifetime.Singleton, o => o.Name = ReminderActionsToErp.SubscriptionName);

        builder.AddRelanceMessaging(
            bus =>
            {
                bus.AddInvoiceEventConsumers();
                bus.AddConsumer<ReminderSentConsumer>();
            },
            (context, cfg) =>
            {
                cfg.ConfigureInvoiceEventsEndpoint(context);
                cfg.PublishToErpsOn<Relance.Contracts.Erp.ErpReminderActionTaken>(Relance.Contracts.Erp.ErpTopology.ReminderActionTakenExchange);
            });

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseRelanceDefaults();
        app.MapGetCase();
        return app;
    }
}
