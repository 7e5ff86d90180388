using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.Disputing;

/// <summary>A dispute opened (the invoice leaves the chase) or closed (it comes back) on one of the case's invoices.</summary>
public sealed record RecordDispute(string CaseId, string InvoiceNumber, string DisputeId, bool Opened, string ReasonOrResolution, DateTimeOffset Now);

public static class RecordDisputeHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, RecordDispute command, CancellationToken cancellation) =>
        session.DecideAsync<DunningCase>(command.CaseId, state => DunningCaseDecider.Decide(command, state), cancellation);
}
