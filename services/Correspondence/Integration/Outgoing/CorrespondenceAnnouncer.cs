using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Relance.ServiceDefaults;
using Relance.CorrespondenceService.Correspondences;
using Messages = Relance.Contracts.Correspondence;

namespace Relance.CorrespondenceService.Integration.Outgoing;

/// <summary>Announces each sent correspondence from a Marten subscription; the message id is the event id.</summary>
public sealed class CorrespondenceAnnouncer(IBus bus) : SubscriptionBase
{
    public const string SubscriptionName = "correspondence-announcements";

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellation)
    {
        foreach (var e in page.Events)
        {
            if (e.Data is not CorrespondenceSent sent) continue;
            var correspondence = await operations.LoadAsync<Correspondence>(e.StreamKey!, cancellation)
                ?? throw new InvalidOperationException($"correspondence {e.StreamKey} has events but no state");

            await bus.Publish(new Messages.ReminderSent(
                correspondence.Request.ReminderId, correspondence.Request.CaseId, sent.Channel, sent.Recipient, sent.SentAt, sent.ContentSha256), send => send.StampFrom(e), cancellation);
        }
        return NullChangeListener.Instance;
    }
}
