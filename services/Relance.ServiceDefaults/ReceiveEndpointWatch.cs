using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using MassTransit.RabbitMqTransport;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Relance.ServiceDefaults;

/// <summary>
/// Whether each receive endpoint of this process is consuming, as MassTransit's own bus check cannot tell: when a
/// connection drops while a message is being consumed, the endpoint waits for that consume to end before it starts
/// again, and meanwhile still reports the "Ready" it last had. This watch follows the endpoints' events and the
/// messages in flight: an endpoint stopped, faulted, or waiting for a consume on a channel that has closed is not
/// consuming (not ready); a message in flight for longer than <see cref="StuckAfter"/> means a consume that will
/// never end (not live: only a restart of the process helps).
/// </summary>
// Durations are measured on the monotonic clock, not the business TimeProvider, which tests and replays move.
public sealed class ReceiveEndpointWatch : IReceiveEndpointObserver, IReceiveObserver
{
    /// <summary>Far beyond the retries (under 10 s) and MassTransit's stop timeouts (<see cref="Messaging"/>).</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(3);

    const string Removed = "being removed";

    readonly ConcurrentDictionary<Uri, (bool Consuming, string State, long Since)> _endpoints = new();
    readonly ConcurrentDictionary<ReceiveContext, (Uri Endpoint, long Since, ChannelContext? Channel)> _inFlight = new(ReferenceEqualityComparer.Instance);

    public Task Ready(ReceiveEndpointReady ready) => Set(ready.InputAddress, true, "consuming");
    public Task Stopping(ReceiveEndpointStopping stopping) => Set(stopping.InputAddress, false, stopping.Removed ? Removed : "stopping");

    // An endpoint taken away on purpose (a temporary one) is no longer needed: it is forgotten once stopped.
    public Task Completed(ReceiveEndpointCompleted completed) =>
        _endpoints.TryGetValue(completed.InputAddress, out var state) && state.State == Removed
            ? Forget(completed.InputAddress)
            : Set(completed.InputAddress, false, "stopped");

    public Task Faulted(ReceiveEndpointFaulted faulted) => Set(faulted.InputAddress, false, $"faulted ({faulted.Exception?.Message})");

    public Task PreReceive(ReceiveContext context)
    {
        context.TryGetPayload<ChannelContext>(out var channel);
        _inFlight[context] = (context.InputAddress, Stopwatch.GetTimestamp(), channel);
        return Task.CompletedTask;
    }

    public Task PostReceive(ReceiveContext context) => Done(context);
    public Task ReceiveFault(ReceiveContext context, Exception exception) => Done(context);
    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;
    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class => Task.CompletedTask;

    /// <summary>Ready when every endpoint consumes: none stopped or faulted, none waiting on a consume whose channel is gone.</summary>
    public HealthCheckResult Readiness()
    {
        var problems = _endpoints
            .Where(e => !e.Value.Consuming)
            .Select(e => $"{Name(e.Key)}: {e.Value.State} for {Seconds(e.Value.Since)} s")
            .Concat(_inFlight.Values
                // Once the endpoint consumes again on a new channel, a consume left over from the old one no longer holds it.
                .Where(m => m.Channel?.Channel.IsClosed == true && !ReadySince(m.Endpoint, m.Since))
                .GroupBy(m => m.Endpoint)
                .Select(g => $"{Name(g.Key)}: its channel closed with {g.Count()} message(s) in flight, {Seconds(g.Min(m => m.Since))} s ago"))
            .Concat(Stuck())
            .Distinct()
            .ToList();
        return problems.Count == 0
            ? HealthCheckResult.Healthy($"{_endpoints.Count} receive endpoints consuming")
            : HealthCheckResult.Unhealthy($"not consuming: {string.Join("; ", problems)}");
    }

    /// <summary>Alive unless a message has been in flight for longer than <see cref="StuckAfter"/>.</summary>
    public HealthCheckResult Liveness()
    {
        var stuck = Stuck().ToList();
        return stuck.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"a consume that does not end: {string.Join("; ", stuck)}");
    }

    IEnumerable<string> Stuck() =>
        _inFlight.Values
            .Where(m => Stopwatch.GetElapsedTime(m.Since) > StuckAfter)
            .GroupBy(m => m.Endpoint)
            .Select(g => $"{Name(g.Key)}: {g.Count()} message(s) in flight for over {Seconds(g.Min(m => m.Since))} s");

    bool ReadySince(Uri endpoint, long since) =>
        _endpoints.TryGetValue(endpoint, out var state) && state.Consuming && state.Since > since;

    Task Set(Uri endpoint, bool consuming, string state)
    {
        _endpoints[endpoint] = (consuming, state, Stopwatch.GetTimestamp());
        return Task.CompletedTask;
    }

    Task Forget(Uri endpoint)
    {
        _endpoints.TryRemove(endpoint, out _);
        return Task.CompletedTask;
    }

    Task Done(ReceiveContext context)
    {
        _inFlight.TryRemove(context, out _);
        return Task.CompletedTask;
    }

    static string Name(Uri endpoint) => endpoint.AbsolutePath.Trim('/').Split('/').Last();
    static long Seconds(long since) => (long)Stopwatch.GetElapsedTime(since).TotalSeconds;
}
