using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Relance.ServiceDefaults;

/// <summary>
/// An <see cref="EventForwarder"/> whose messages only need to arrive in commit order per key (a customer), not all in
/// one line. Each page is read one event at a time, as Marten's session wants, into what each event sends and under
/// which key; then the page's keys are sent side by side, each key's messages one after the other in commit order, and
/// the page is done once the broker has confirmed them all. Waiting for each confirm in turn made the announcements the
/// slowest step of an ERP's first load. A failure fails the page, which the daemon retries from its start: at least
/// once, as before (receivers spot a repeat by the message id, the event's).
/// </summary>
public abstract class KeyOrderedForwarder : SubscriptionBase
{
    /// <summary>How many keys are sent side by side.</summary>
    const int SideBySide = 32;

    /// <param name="OrderKey">Messages of one key arrive in the order their events were committed.</param>
    /// <param name="SendAsync">Publishes the event's messages (in the order they must arrive).</param>
    protected sealed record Outgoing(string OrderKey, Func<CancellationToken, Task> SendAsync);

    /// <summary>What the event sends, built now (its state read now, as the event is reached); none when nothing.</summary>
    protected abstract Task<Outgoing?> RouteAsync(IEvent e, IDocumentOperations operations, CancellationToken cancellation);

    public sealed override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellation)
    {
        var byKey = new Dictionary<string, List<Func<CancellationToken, Task>>>(StringComparer.Ordinal);
        foreach (var e in page.Events)
        {
            if (await RouteAsync(e, operations, cancellation) is not { } outgoing) continue;
            if (!byKey.TryGetValue(outgoing.OrderKey, out var sends)) byKey[outgoing.OrderKey] = sends = [];
            sends.Add(outgoing.SendAsync);
        }
        await Parallel.ForEachAsync(byKey.Values, new ParallelOptions { MaxDegreeOfParallelism = SideBySide, CancellationToken = cancellation },
            async (sends, token) =>
            {
                foreach (var send in sends) await send(token);
            });
        return NullChangeListener.Instance;
    }

    /// <summary>The current state of the event's stream, kept by its inline projection.</summary>
    protected static Task<T> StateOf<T>(IDocumentOperations operations, IEvent e, CancellationToken cancellation) where T : notnull =>
        EventForwarder.StateOf<T>(operations, e, cancellation);
}
