using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.TrackingLetters;

/// <summary>Record on the case's trail what the postal service told of one of its letters.</summary>
/// <param name="Tracked">One of <see cref="LetterPosted"/>, <see cref="LetterDelivered"/>, <see cref="LetterReceiptAcknowledged"/>, <see cref="LetterReturned"/>.</param>
public sealed record RecordLetterTracking(string CaseId, Guid ReminderId, object Tracked);

public static class RecordLetterTrackingHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, RecordLetterTracking command, CancellationToken cancellation) =>
        session.DecideAsync<DunningCase>(command.CaseId, state => DunningCaseDecider.Decide(command, state), cancellation);
}
