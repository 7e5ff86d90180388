using Relance.ReminderService.DunningCases.TrackingLetters;

namespace Relance.ReminderService.DunningCases;

public static partial class DunningCaseDecider
{
    /// <summary>
    /// Each postal fact once, whatever order they come in: a repeat (a redelivered message) records nothing, nor
    /// does news of a letter the case did not send. Only a scanned card arriving after the acknowledgment's date is
    /// recorded again, for its hash.
    /// </summary>
    public static IReadOnlyList<object> Decide(RecordLetterTracking command, DunningCase? state)
    {
        if (state?.Letters.Find(l => l.ReminderId == command.ReminderId) is not { } letter) return [];
        return command.Tracked switch
        {
            LetterPosted when letter.PostedOn is null => [command.Tracked],
            LetterDelivered when letter.DeliveredOn is null => [command.Tracked],
            LetterReceiptAcknowledged acknowledged when letter.AcknowledgedOn is null
                || (letter.AcknowledgmentCardSha256 is null && acknowledged.CardSha256 is not null) => [command.Tracked],
            LetterReturned when letter.Returned is null => [command.Tracked],
            _ => [],
        };
    }
}
