using System.Security.Cryptography;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Letters;
using Messages = Relance.Contracts.Correspondence;

namespace Relance.CorrespondenceService.Integration.Outgoing;

/// <summary>A letter's postal facts, as told to the Reminder service; none for the other events.</summary>
public static class PostalAnnouncements
{
    public static bool Announced(object data) =>
        data is LetterPosted or LetterDelivered or LetterReceiptAcknowledged or AcknowledgmentCardArchived or LetterReturnedUndelivered;

    public static object Of(object data, Correspondence letter)
    {
        var (reminderId, caseId, channel) = (letter.Request.ReminderId, letter.Request.CaseId, letter.Request.Channel);
        return data switch
        {
            LetterPosted posted => new Messages.LetterPosted(reminderId, caseId, channel, posted.TrackingNumber, posted.PostedOn),
            LetterDelivered delivered => new Messages.LetterDelivered(reminderId, caseId, channel, delivered.DeliveredOn),
            LetterReceiptAcknowledged acknowledged => new Messages.LetterReceiptAcknowledged(reminderId, caseId, channel, acknowledged.SignedOn, acknowledged.Card?.Sha256),
            // The card came after the acknowledgment: told again, now with the card's hash (the Reminder keeps the first date).
            AcknowledgmentCardArchived card => new Messages.LetterReceiptAcknowledged(reminderId, caseId, channel, letter.Postal!.Acknowledged!.SignedOn, card.Card.Sha256),
            LetterReturnedUndelivered returned => new Messages.LetterReturned(reminderId, caseId, channel, returned.Reason, returned.FirstPresentedOn, returned.ReturnedOn),
            _ => throw new ArgumentOutOfRangeException(nameof(data), data.GetType().Name, "not a postal fact"),
        };
    }

    /// <summary>
    /// A letter returned because the addressee is unknown at the address is also a reminder not delivered, so the
    /// Reminder service stops writing there: recipient, the postal address it was written to, on one line. A
    /// letter unclaimed or refused is not: the address is right (an unclaimed registered letter even counts as received).
    /// </summary>
    public static Messages.ReminderNotDelivered? NotDelivered(object data, Correspondence letter) =>
        data is LetterReturnedUndelivered { Reason: ReturnReasons.AddressUnknown } returned
            ? new Messages.ReminderNotDelivered(letter.Request.ReminderId, letter.Request.CaseId, letter.Request.Channel,
                letter.QueuedForPosting is { } queued ? PostalAddresses.OnOneLine(queued.Addressee, queued.Address)
                    : PostalAddresses.OnOneLine(letter.Request.Recipient.Name, letter.Request.Recipient.PostalAddress!),
                Messages.ReminderNotDeliveredKinds.Returned,
                $"returned {returned.ReturnedOn:yyyy-MM-dd}: {returned.Reason}", returned.RecordedAt)
            : null;

    /// <summary>The id of the second message one event announces: stable (a repeat is spotted), not the event's (the first message's).</summary>
    public static Guid SecondMessageId(Guid eventId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData([.. eventId.ToByteArray(), 2], hash);
        return new Guid(hash[..16]);
    }
}
