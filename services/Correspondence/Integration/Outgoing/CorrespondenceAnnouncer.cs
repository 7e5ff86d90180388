using JasperFx.Events;
using Marten;
using MassTransit;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Letters;
using Relance.ServiceDefaults;
using Messages = Relance.Contracts.Correspondence;

namespace Relance.CorrespondenceService.Integration.Outgoing;

/// <summary>
/// Announces each correspondence that left this service's hands, with the SHA-256 of its exact bytes: an email
/// sent (recipient: the address), or a letter queued for posting (recipient: the postal address on one line);
/// then a letter's postal tracking (<see cref="PostalAnnouncements"/>); and each that did not reach its recipient
/// (<see cref="Messages.ReminderNotDelivered"/>: bounced, reported undelivered, refused for good, a letter returned
/// for an unknown address, abandoned as too old), which the Reminder
/// service records on the case and answers by not using that address again; and the answer to each withdrawal
/// (<see cref="Messages.ReminderWithdrawalAnswered"/>: withdrawn before it left, or too late).
/// </summary>
public sealed class CorrespondenceAnnouncer(IBus bus) : EventForwarder
{
    public const string SubscriptionName = "correspondence-announcements";

    protected override async Task ForwardAsync(IEvent e, IDocumentOperations operations, CancellationToken cancellation)
    {
        if (PostalAnnouncements.Announced(e.Data))
        {
            var letter = await StateOf<Correspondence>(operations, e, cancellation);
            await bus.Publish(PostalAnnouncements.Of(e.Data, letter), send => send.StampFrom(e), cancellation);
            if (PostalAnnouncements.NotDelivered(e.Data, letter) is { } returned)
                await bus.Publish(returned, send => { send.StampFrom(e); send.MessageId = PostalAnnouncements.SecondMessageId(e.Id); }, cancellation);
            return;
        }
        if (NotDelivered(e.Data) is { } failure)
        {
            var state = await StateOf<Correspondence>(operations, e, cancellation);
            await bus.Publish(new Messages.ReminderNotDelivered(state.Request.ReminderId, state.Request.CaseId, state.Request.Channel,
                    failure.Recipient ?? CorrespondenceDecider.RecipientAddress(state.Request), failure.Kind, failure.Reason, failure.At),
                send => send.StampFrom(e), cancellation);
            return;
        }

        if (e.Data is CorrespondenceWithdrawn or CorrespondenceWithdrawalTooLate)
        {
            var withdrawn = await StateOf<Correspondence>(operations, e, cancellation);
            await bus.Publish(e.Data switch
            {
                CorrespondenceWithdrawn w => new Messages.ReminderWithdrawalAnswered(withdrawn.Request.ReminderId, withdrawn.Request.CaseId,
                    Messages.ReminderWithdrawalOutcomes.Withdrawn, $"withdrawn before it left: {w.Reason}", w.WithdrawnAt),
                CorrespondenceWithdrawalTooLate late => new Messages.ReminderWithdrawalAnswered(withdrawn.Request.ReminderId, withdrawn.Request.CaseId,
                    Messages.ReminderWithdrawalOutcomes.TooLate, late.Detail, late.RecordedAt),
                _ => throw new InvalidOperationException("unreachable"),
            }, send => send.StampFrom(e), cancellation);
            return;
        }

        var (channel, recipient, at, sha256) = e.Data switch
        {
            CorrespondenceSent sent => (sent.Channel, sent.Recipient, sent.SentAt, sent.ContentSha256),
            LetterQueuedForPosting queued => (queued.Channel, PostalAddresses.OnOneLine(queued.Addressee, queued.Address), queued.QueuedAt, queued.ContentSha256),
            _ => default,
        };
        if (channel is null) return;
        var request = (await StateOf<Correspondence>(operations, e, cancellation)).Request;

        await bus.Publish(new Messages.ReminderSent(request.ReminderId, request.CaseId, channel, recipient!, at, sha256!),
            send => send.StampFrom(e), cancellation);
    }

    static (string? Recipient, string Kind, string Reason, DateTimeOffset At)? NotDelivered(object data) => data switch
    {
        CorrespondenceBounced b => (b.Recipient, Messages.ReminderNotDeliveredKinds.Bounced, $"{b.StatusCode} {b.Diagnostic}".Trim(), b.BouncedAt),
        DeliveryReported { Status: DeliveryStatuses.Failed } d => (null, Messages.ReminderNotDeliveredKinds.DeliveryFailed, d.Detail ?? "the gateway reports it undelivered", d.ReportedAt),
        CorrespondenceSendingFailed { Permanent: true } f => (null, Messages.ReminderNotDeliveredKinds.Refused, f.Reason, f.FailedAt),
        CorrespondenceRefused r => (null, Messages.ReminderNotDeliveredKinds.Refused, string.Join("; ", r.Reasons.Select(x => $"{x.Field}: {x.Error}")), r.RefusedAt),
        CorrespondenceAbandoned a => (null, Messages.ReminderNotDeliveredKinds.Expired, a.Reason, a.AbandonedAt),
        _ => null,
    };
}
