using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Context;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Relance.ServiceDefaults;

public static class Logging
{
    public const string CorrelationHeader = "X-Correlation-Id";

    /// <summary>Structured JSON to stdout, one line per event; levels overridable through the "Serilog" configuration section.</summary>
    public static void AddRelanceLogging(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddSerilog((services, logger) => logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Marten", LogEventLevel.Warning)
            .MinimumLevel.Override("JasperFx", LogEventLevel.Warning)
            .MinimumLevel.Override("MassTransit", LogEventLevel.Warning)
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Service", serviceName)
            .WriteTo.Console(new RenderedCompactJsonFormatter()));
    }

    /// <summary>The caller's correlation id for this request, or the request's own id when it sent none.</summary>
    public static string CorrelationOf(HttpContext context) =>
        context.Request.Headers[CorrelationHeader].FirstOrDefault() is { Length: > 0 } given ? given : context.TraceIdentifier;

    /// <summary>Every request's logs carry the caller's correlation id (or a new one, returned in the response).</summary>
    public static void UseRelanceRequestLogging(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var correlationId = CorrelationOf(context);
            context.Response.Headers[CorrelationHeader] = correlationId;
            using (LogContext.PushProperty("CorrelationId", correlationId))
                await next(context);
        });
        app.UseSerilogRequestLogging(options =>
            // Probes poll the health endpoints all the time, and answer 503 while a service starts: not news.
            options.GetLevel = (http, _, error) =>
                http.Request.Path.StartsWithSegments("/health") ? LogEventLevel.Verbose
                : error is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error
                : LogEventLevel.Information);
    }
}
