using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Relance.ServiceDefaults;

/// <summary>
/// The only way events leave a service: a Marten subscription that forwards committed events to the bus, in
/// order, at least once (never a dual write from a command handler). Stamp each outgoing message with
/// <see cref="MessageAttribution.StampFrom"/> so that its id is the event's and receivers spot a repeat.
/// </summary>
public abstract class EventForwarder : SubscriptionBase
{
    public sealed override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellation)
    {
        BeginPage();
        foreach (var e in page.Events) await ForwardAsync(e, operations, cancellation);
        return NullChangeListener.Instance;
    }

    protected abstract Task ForwardAsync(IEvent e, IDocumentOperations operations, CancellationToken cancellation);

    /// <summary>
    /// Before each page of events. What a forwarder appends is committed with the page, so the states it loads do not
    /// show it yet: one that appends can remember here what it did within the page.
    /// </summary>
    protected virtual void BeginPage() { }

    /// <summary>The current state of the event's stream, kept by its inline projection.</summary>
    protected internal static async Task<T> StateOf<T>(IDocumentOperations operations, IEvent e, CancellationToken cancellation) where T : notnull =>
        await operations.LoadAsync<T>(e.StreamKey!, cancellation)
        ?? throw new InvalidOperationException($"stream {e.StreamKey} has events but no {typeof(T).Name}");
}
