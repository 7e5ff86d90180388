using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.RemovingSettledInvoice;

/// <summary>A paid invoice leaves the chase at once; the case closes when nothing is left to chase.</summary>
public sealed record RemoveSettledInvoice(string CaseId, string InvoiceNumber, DateTimeOffset Now);

public static class RemoveSettledInvoiceHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, RemoveSettledInvoice command, CancellationToken cancellation) =>
        session.DecideAsync<DunningCase>(command.CaseId, state => DunningCaseDecider.Decide(command, state), cancellation);
}
