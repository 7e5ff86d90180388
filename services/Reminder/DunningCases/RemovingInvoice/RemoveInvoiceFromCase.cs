using Marten;
using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.RemovingInvoice;

/// <summary>A paid or cancelled invoice leaves the chase at once; the case closes when nothing is left to chase.</summary>
/// <param name="Reason">settled or cancelled.</param>
public sealed record RemoveInvoiceFromCase(string CaseId, string InvoiceNumber, string Reason, DateTimeOffset Now);

/// <summary>
/// An invoice settled or cancelled before its case heard of it (its registration delayed by retries, or
/// replayed from an error queue): kept so that the late registration does not start chasing it.
/// </summary>
public sealed record InvoiceClosedBeforeJoining(string Id, string Reason, DateTimeOffset At)
{
    public static string Key(string caseId, string invoiceNumber) => $"{caseId}/{invoiceNumber}";
}

public static class RemoveInvoiceFromCaseHandler
{
    public static async Task<IReadOnlyList<object>> Handle(IDocumentSession session, RemoveInvoiceFromCase command, CancellationToken cancellation)
    {
        if (!await EarlyNews.KnowsAsync(session, command.CaseId, command.InvoiceNumber, cancellation))
        {
            session.Store(new InvoiceClosedBeforeJoining(InvoiceClosedBeforeJoining.Key(command.CaseId, command.InvoiceNumber), command.Reason, command.Now));
            await session.SaveChangesAsync(cancellation);
            return [];
        }
        return await session.DecideAsync<DunningCase>(command.CaseId, state => DunningCaseDecider.Decide(command, state), cancellation);
    }
}
