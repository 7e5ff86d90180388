using JasperFx.Events.Projections;
using Marten;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.Acting;
using Relance.ReminderService.DunningCases.AdoptingPlan;
using Relance.ReminderService.DunningCases.Calling;
using Relance.ReminderService.DunningCases.ManualActions;
using Relance.ReminderService.DunningCases.Approving;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ReminderService.DunningCases.GettingCase;
using Relance.ReminderService.DunningCases.TakingDueActions;
using Relance.ReminderService.DunningPlans;
using Relance.ReminderService.Integration.Incoming;
using Relance.ReminderService.Integration.Outgoing;
using Relance.ReminderService.LatePayment;
using Relance.ServiceDefaults;
using Erp = Relance.Contracts.Erp;

namespace Relance.ReminderService;

/// <summary>The Reminder service: one dunning case per customer, its plan, its schedule, and the actions it takes.</summary>
public static class ReminderApp
{
    public const string Name = "reminder";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = RelanceHost.CreateBuilder(args, Name, defaultPort: 5102);
        // The legal figures ship next to the service, below the environment and the command line so that both can override them.
        var sources = (IList<IConfigurationSource>)((IConfigurationBuilder)builder.Configuration).Sources;
        var firstOverride = sources.Select((source, index) => (source, index))
            .FirstOrDefault(x => x.source is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource).index;
        sources.Insert(firstOverride, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = "late-payment-law.json",
            Optional = false,
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
        });

        builder.Services.AddSingleton(builder.Configuration.GetSection("Dunning").Get<DunningPolicy>() ?? new DunningPolicy());
        builder.Services.AddSingleton(builder.Configuration.GetSection("LatePaymentLaw").Get<LatePaymentLaw>()
            ?? throw new InvalidOperationException("The LatePaymentLaw section (the legal rates, by period; late-payment-law.json) is missing"));
        builder.Services.AddSingleton(builder.Configuration.GetSection("Reminder:Scheduler").Get<SchedulerOptions>() ?? new SchedulerOptions());
        // Not a readiness check: a rate table running out stops only the steps that claim penalties, and says so.
        builder.Services.AddHealthChecks().AddCheck<LegalFiguresHealthCheck>("legal-figures", tags: ["legal"]);
        builder.Services.AddSingleton<PlanCatalog>();
        // The plan files are published before anything is chased.
        builder.Services.AddHostedService<PlanFilesPublisher>();
        builder.Services.AddSingleton<ReminderScheduler>();
        builder.Services.AddHostedService(s => s.GetRequiredService<ReminderScheduler>());

        builder.AddRelanceEventStore(Name, ConfigureEvents)
            .AddSubscriptionWithServices<ReminderDispatcher>(ServiceLifetime.Singleton, o => o.Name = ReminderDispatcher.SubscriptionName)
            .AddSubscriptionWithServices<ReminderActionsToErp>(ServiceLifetime.Singleton, o => o.Name = ReminderActionsToErp.SubscriptionName);

        builder.AddRelanceMessaging(
            bus =>
            {
                bus.AddInvoiceEventConsumers();
                bus.AddConsumer<ReminderSentConsumer>();
                bus.AddConsumer<LetterTrackingConsumer>();
                bus.AddConsumer<ReminderNotDeliveredConsumer>();
                bus.AddConsumer<ReminderWithdrawalConsumer>();
            },
            (context, cfg) =>
            {
                cfg.ConfigureInvoiceEventsEndpoint(context);
                cfg.PublishToErpsOn<Erp.ErpReminderActionTaken>(Erp.ErpTopology.ReminderActionTakenExchange);
                cfg.PublishToErpsOn<Erp.ErpPenaltiesClaimed>(Erp.ErpTopology.PenaltiesClaimedExchange);
                cfg.PublishToErpsOn<Erp.ErpCaseHandedToLitigation>(Erp.ErpTopology.CaseHandedToLitigationExchange);
                cfg.PublishToErpsOn<Erp.ErpCallLogged>(Erp.ErpTopology.CallLoggedExchange);
                cfg.PublishToErpsOn<Erp.ErpPaymentPromiseChanged>(Erp.ErpTopology.PaymentPromiseChangedExchange);
                cfg.PublishToErpsOn<Erp.ErpPaymentPlanChanged>(Erp.ErpTopology.PaymentPlanChangedExchange);
                cfg.PublishToErpsOn<Erp.ErpDisputeChanged>(Erp.ErpTopology.DisputeChangedExchange);
                cfg.PublishToErpsOn<Erp.ErpCaseWrittenOff>(Erp.ErpTopology.CaseWrittenOffExchange);
            });

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseRelanceDefaults();
        app.MapGetCase();
        app.MapAdoptPlan();
        app.MapApprovals();
        app.MapPendingApprovals();
        app.MapCaseActions();
        app.MapWorkQueue();
        app.MapLeftToPeople();
        app.MapCustomerPlan();
        app.MapPlans();
        app.MapPreview();
        Audit.AuditEndpoints.MapAudit(app);
        app.MapHealthChecks("/health/legal-figures", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = c => c.Tags.Contains("legal") })
            .AllowAnonymous();
        return app;
    }

    /// <summary>The service's event types, projections and indexes: the same for the service and for the audit tools.</summary>
    public static void ConfigureEvents(StoreOptions options)
    {
        options.Projections.Add<DunningCaseProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<PublishedPlanProjection>(ProjectionLifecycle.Inline);
        // A case's document compresses to about 3 KB: kept in its row up to a page (toast_tuple_target) rather than moved
        // out to the TOAST table past 2 KB, writing or reading it touches one row and one index less.
        options.Schema.For<DunningCase>().Index(c => c.NextActionAt).Index(c => c.CompanyId).Index(c => c.CallsDueFrom)
            .StorageParameter("toast_tuple_target", 8160);
    }
}
