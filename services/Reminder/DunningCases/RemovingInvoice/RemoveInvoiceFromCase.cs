using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.RemovingInvoice;

/// <summary>A paid or cancelled invoice leaves the chase at once; the case closes when nothing is left to chase.</summary>
/// <param name="Reason">settled or cancelled.</param>
public sealed record RemoveInvoiceFromCase(string CaseId, string InvoiceNumber, string Reason, DateTimeOffset Now);

public static class RemoveInvoiceFromCaseHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, RemoveInvoiceFromCase command, CancellationToken cancellation) =>
        session.DecideAsync<DunningCase>(command.CaseId, state => DunningCaseDecider.Decide(command, state), cancellation);
}
