using Marten;
using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.Disputing;

/// <summary>A dispute opened (the invoice leaves the chase) or closed (it comes back) on one of the case's invoices.</summary>
public sealed record RecordDispute(string CaseId, string InvoiceNumber, string DisputeId, bool Opened, string ReasonOrResolution, DateTimeOffset Now);

public static class RecordDisputeHandler
{
    public static async Task<IReadOnlyList<object>> Handle(IDocumentSession session, RecordDispute command, CancellationToken cancellation)
    {
        if (await EarlyNews.KeptIfUnknownAsync(session, command.CaseId, command.InvoiceNumber, command.Now, news => news with
            {
                Disputes = news.Disputes.RemoveAll(d => d.DisputeId == command.DisputeId)
                    .Add(new EarlyDispute(command.DisputeId, command.Opened, command.ReasonOrResolution)),
            }, cancellation))
            return [];
        return await session.DecideAsync<DunningCase>(command.CaseId, state => DunningCaseDecider.Decide(command, state), cancellation);
    }
}
