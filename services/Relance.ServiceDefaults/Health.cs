using JasperFx.Events.Daemon;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Relance.ServiceDefaults;

public static class Health
{
    const string Ready = "ready";
    const string Live = "live";

    /// <summary>
    /// Readiness: PostgreSQL answers, the bus is connected to RabbitMQ (MassTransit's own check), every receive endpoint
    /// consumes (<see cref="ReceiveEndpointWatch"/>), Marten's daemon runs. Liveness: no consume has hung (a restart is
    /// the only cure for that); a server that is down makes a service not ready, never not live.
    /// </summary>
    public static void AddRelanceHealthChecks(this WebApplicationBuilder builder)
    {
        // Fed by the bus (Messaging): a host without one has no endpoint to watch.
        builder.Services.TryAddSingleton<ReceiveEndpointWatch>();
        builder.Services.AddHealthChecks()
            .AddCheck<PostgresCheck>("postgresql", tags: [Ready])
            .AddCheck<EventDaemonCheck>("marten-daemon", tags: [Ready])
            .AddCheck<ReceiveEndpointsConsuming>("receive-endpoints", tags: [Ready])
            .AddCheck<NoConsumeHung>("consumes", tags: [Live]);
        // MassTransit registers its own bus check, tagged "ready", with AddMassTransit.
    }

    public static void MapRelanceHealthChecks(this WebApplication app)
    {
        // Probes carry no token.
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Live),
            ResponseWriter = WriteReport,
        }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = WriteReport,
        }).AllowAnonymous();
    }

    static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        });
    }

    sealed class ReceiveEndpointsConsuming(ReceiveEndpointWatch watch) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(watch.Readiness());
    }

    sealed class NoConsumeHung(ReceiveEndpointWatch watch) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(watch.Liveness());
    }

    sealed class PostgresCheck(IDocumentStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            try
            {
                await using var session = store.QuerySession();
                await session.QueryAsync<int>("select 1", cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer", e);
            }
        }
    }

    sealed class EventDaemonCheck(IServiceProvider services, IConfiguration configuration) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            var mode = configuration.GetValue("Marten:DaemonMode", DaemonMode.Solo);
            // A node told not to run the daemon (e.g. one more scheduler instance) is ready without it.
            if (mode == DaemonMode.Disabled)
                return Task.FromResult(HealthCheckResult.Healthy("Marten's async daemon runs on other nodes (Marten:DaemonMode Disabled)"));
            var daemon = services.GetRequiredService<IProjectionCoordinator>().DaemonForMainDatabase();
            if (!daemon.IsRunning)
                // In HotCold mode only the node holding the lock runs the daemon; the others stand by, ready.
                return Task.FromResult(mode == DaemonMode.HotCold
                    ? HealthCheckResult.Healthy("standing by for Marten's async daemon (HotCold)")
                    : HealthCheckResult.Unhealthy("Marten's async daemon is not running"));
            var stopped = daemon.CurrentAgents()
                .Where(agent => agent.Status is not JasperFx.AgentStatus.Running)
                .Select(agent => agent.Name.Identity)
                .ToList();
            return Task.FromResult(stopped.Count == 0
                ? HealthCheckResult.Healthy($"{daemon.CurrentAgents().Count} projections and subscriptions running")
                : HealthCheckResult.Unhealthy($"stopped: {string.Join(", ", stopped)}"));
        }
    }
}
