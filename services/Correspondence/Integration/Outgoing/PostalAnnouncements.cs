using Relance.CorrespondenceService.Correspondences;
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
}
