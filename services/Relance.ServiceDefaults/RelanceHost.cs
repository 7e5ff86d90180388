using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Relance.ServiceDefaults;

/// <summary>What every Relance host has, so that each service's composition root only adds its own parts.</summary>
public static class RelanceHost
{
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(15);

    public static WebApplicationBuilder CreateBuilder(string[] args, string serviceName, int defaultPort)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            builder.WebHost.UseUrls($"http://0.0.0.0:{defaultPort}");
        builder.AddRelanceLogging(serviceName);
        builder.AddRelanceHealthChecks();
        builder.AddRelanceSecurity(serviceName);
        builder.AddRelanceProblems();
        builder.AddRelanceOpenApi(serviceName);
        // Business time comes from here, never from the system clock read directly: tests and replays move it.
        builder.Services.TryAddSingleton(TimeProvider.System);
        // A stop (SIGTERM) ends within this, whatever is in flight: MassTransit gives up on its consumes after
        // Messaging.StopTimeout, and an orchestrator's grace period (Docker's 10 s, Kubernetes' 30 s) can be set above it.
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }

    /// <summary>The middleware every host runs, in this order, then the anonymous endpoints (health, OpenAPI).</summary>
    public static void UseRelanceDefaults(this WebApplication app)
    {
        app.UseRelanceRequestLogging();
        app.UseRelanceProblems();
        app.UseRelanceSecurity();
        app.MapRelanceHealthChecks();
        app.MapRelanceOpenApi();
    }
}
