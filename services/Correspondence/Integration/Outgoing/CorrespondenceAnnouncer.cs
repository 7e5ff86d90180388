using JasperFx.Events;
using Marten;
using MassTransit;
using Relance.CorrespondenceService.Correspondences;
using Relance.ServiceDefaults;
using Messages = Relance.Contracts.Correspondence;

namespace Relance.CorrespondenceService.Integration.Outgoing;

/// <summary>Announces each sent correspondence, with the SHA-256 of the exact bytes sent.</summary>
public sealed class CorrespondenceAnnouncer(IBus bus) : EventForwarder
{
    public const string SubscriptionName = "correspondence-announcements";

    protected override async Task ForwardAsync(IEvent e, IDocumentOperations operations, CancellationToken cancellation)
    {
        if (e.Data is not CorrespondenceSent sent) return;
        var request = (await StateOf<Correspondence>(operations, e, cancellation)).Request;

        await bus.Publish(new Messages.ReminderSent(request.ReminderId, request.CaseId, sent.Channel, sent.Recipient, sent.SentAt, sent.ContentSha256),
            send => send.StampFrom(e), cancellation);
    }
}
