using Marten;
using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.ChangingBalance;

/// <summary>Chase only what remains of an invoice after a payment, a credit note or a correction, by its current due date.</summary>
/// <param name="Reason">payment, credit-note or correction.</param>
public sealed record ChangeInvoiceBalance(string CaseId, string InvoiceNumber, decimal Outstanding, DateOnly DueDate, string Reason, DateTimeOffset Now);

public static class ChangeInvoiceBalanceHandler
{
    public static async Task<IReadOnlyList<object>> Handle(IDocumentSession session, ChangeInvoiceBalance command, CancellationToken cancellation)
    {
        if (await EarlyNews.KeptIfUnknownAsync(session, command.CaseId, command.InvoiceNumber, command.Now,
                news => news with { Outstanding = command.Outstanding, DueDate = command.DueDate, BalanceReason = command.Reason }, cancellation))
            return [];
        return await session.DecideAsync<DunningCase>(command.CaseId, state => DunningCaseDecider.Decide(command, state), cancellation);
    }
}
