using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.ApplyingPayment;

/// <summary>Chase only what remains of a partly paid invoice.</summary>
public sealed record ApplyPartialPayment(string CaseId, string InvoiceNumber, decimal Outstanding, DateTimeOffset Now);

public static class ApplyPartialPaymentHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, ApplyPartialPayment command, CancellationToken cancellation) =>
        session.DecideAsync<DunningCase>(command.CaseId, state => DunningCaseDecider.Decide(command, state), cancellation);
}
