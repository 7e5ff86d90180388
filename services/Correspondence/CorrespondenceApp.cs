using JasperFx.Events.Projections;
using Marten;
using MassTransit;
using Relance.Contracts.Correspondence;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.GettingCorrespondence;
using Relance.CorrespondenceService.Correspondences.ProviderCallbacks;
using Relance.CorrespondenceService.Correspondences.Reconciling;
using Relance.CorrespondenceService.Correspondences.Unconfirmed;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.CorrespondenceService.Correspondences.TrackingLetter;
using Relance.CorrespondenceService.Correspondences.Withdrawing;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.Integration.Incoming;
using Relance.CorrespondenceService.InvoiceDocuments;
using Relance.CorrespondenceService.InvoiceDocuments.AttachingDocuments;
using Relance.CorrespondenceService.InvoiceDocuments.KeepingDocuments;
using Relance.CorrespondenceService.Integration.Outgoing;
using Relance.CorrespondenceService.Letters.Posting;
using Relance.CorrespondenceService.Sms;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService;

/// <summary>The Correspondence service: renders reminders, sends them, and keeps the proof of what was sent.</summary>
public static class CorrespondenceApp
{
    public const string Name = "correspondence";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Letters are PDF in DejaVu Sans: without the font files, fail at start rather than at the first letter.
        Letters.DejaVuFonts.Register();
        var builder = RelanceHost.CreateBuilder(args, Name, defaultPort: 5103);
        // The documents' words: a broken template (or a formal notice lacking a mandatory mention) fails start, naming its file.
        Writing.Templates.Use(Writing.TemplateLibrary.Load(Writing.TemplateLibrary.Shipped, builder.Configuration["Correspondence:Templates:Path"]));

        builder.Services.AddSingleton(builder.Configuration.GetSection("Smtp").Get<SmtpOptions>() ?? new SmtpOptions());
        builder.Services.AddSingleton(builder.Configuration.GetSection("Correspondence:Sender").Get<SenderIdentity>() ?? new SenderIdentity());
        builder.Services.AddSingleton<SmtpSender>();
        builder.Services.AddSingleton<IChannelAdapter, EmailChannel>();
        var sms = builder.Configuration.GetSection(SmsOptions.Section).Get<SmsOptions>() ?? new SmsOptions();
        builder.Services.AddSingleton(sms);
        builder.Services.AddHttpClient<ISmsGateway, HttpSmsGateway>(http => http.Timeout = sms.Timeout);
        builder.Services.AddTransient<IChannelAdapter, SmsChannel>();
        builder.Services.AddScoped<SendReminderHandler>();
        builder.Services.AddScoped<WithdrawReminderHandler>();
        builder.Services.AddSingleton<QueuedWithdrawals>();
        builder.Services.AddSingleton(builder.Configuration.GetSection(LastLookOptions.Section).Get<LastLookOptions>() ?? new LastLookOptions());
        builder.Services.AddScoped<InvoicesLastLook>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Correspondence:Documents").Get<DocumentOptions>() ?? new DocumentOptions());
        builder.Services.AddHttpClient<DocumentFetcher>()
            .ConfigurePrimaryHttpMessageHandler(services => DocumentSources.Handler(services.GetRequiredService<DocumentOptions>()));
        builder.Services.AddScoped<KeepInvoiceDocumentsHandler>();
        builder.Services.AddScoped<DocumentsToAttach>();
        builder.Services.AddPostalProvider(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(builder.Configuration.GetSection(ReconcilerOptions.Section).Get<ReconcilerOptions>() ?? new ReconcilerOptions());
        builder.Services.AddHostedService<DispatchReconciler>();

        builder.AddRelanceEventStore(Name, ConfigureEvents)
            .AddSubscriptionWithServices<CorrespondenceAnnouncer>(ServiceLifetime.Singleton, o => o.Name = CorrespondenceAnnouncer.SubscriptionName);

        builder.AddRelanceMessaging(bus =>
        {
            bus.AddPostalConsumers();
            bus.AddRequestClient<Relance.Contracts.Invoicing.CheckInvoicesOwed>(new Uri($"queue:{Relance.Contracts.Invoicing.InvoicingTopology.InvoicesOwedQueue}"));
            bus.AddConsumer<SendReminderConsumer>(consumer =>
                    // An SMTP server down for a while must not lose the reminder: keep trying for about half an hour
                    // (the request and its rendered bytes are already stored), then the message waits in the error queue.
                    // A request refused as it is (a letter with no address…) goes there at once: retrying changes nothing.
                    consumer.UseMessageRetry(retry =>
                    {
                        retry.Ignore<MessageRejectedException>();
                        retry.Exponential(8, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(10));
                    }))
                .Endpoint(e => e.Name = CorrespondenceTopology.SendReminderQueue);
            // Withdrawals have a queue of their own, read before any reminder leaves (QueuedWithdrawals).
            bus.AddConsumer<WithdrawReminderConsumer>(consumer =>
                    consumer.UseMessageRetry(retry =>
                    {
                        retry.Ignore<MessageRejectedException>();
                        retry.Exponential(8, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(2));
                    }))
                .Endpoint(e => e.Name = CorrespondenceTopology.WithdrawReminderQueue);
            // Fetch failures are recorded, not thrown: what is retried here is the database or the broker being away.
            bus.AddConsumer<InvoiceDocumentsConsumer>(consumer =>
                consumer.UseMessageRetry(retry => retry.Exponential(8, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(10))));
            bus.AddConsumer<EmailBouncedConsumer>().ExcludeFromConfigureEndpoints();
        },
        (context, cfg) =>
        {
            cfg.ConfigurePostalEndpoints(context);
            EmailBouncedConsumer.ConfigureEndpoint(context, cfg);
        });

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseRelanceDefaults();
        app.MapGetCorrespondence();
        app.MapTrackLetter();
        app.MapUnconfirmedCorrespondences();
        app.MapProviderCallbacks(builder.Configuration["Correspondence:Bounces:Secret"], sms.CallbackSecret);
        return app;
    }

    /// <summary>The service's event types, projections and indexes: the same for the service and for the audit tools.</summary>
    public static void ConfigureEvents(StoreOptions options)
    {
        options.Projections.Add<CorrespondenceProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<InvoiceDocumentsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<RecalledReminder>();
    }
}
