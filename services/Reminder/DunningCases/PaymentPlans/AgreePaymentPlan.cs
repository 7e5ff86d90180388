using System.Collections.Immutable;
using Relance.ReminderService.DunningCases.Promising;

namespace Relance.ReminderService.DunningCases.PaymentPlans;

/// <summary>A payment plan (échéancier): the invoices listed (none: all owed and not contested) paid in instalments that add up to what they owe.</summary>
public sealed record AgreePaymentPlan(Guid PaymentPlanId, ImmutableList<(DateOnly DueDate, decimal Amount)> Instalments, ImmutableList<string>? Invoices, string Reason, string By, DateTimeOffset Now);

public static class AgreePaymentPlanDecider
{
    public static IReadOnlyList<object> Decide(AgreePaymentPlan command, DunningCase state, DunningPolicy policy)
    {
        var clock = Arrangements.OpenWithPlan(state).Clock;
        Arrangements.NoneInForce(state);
        var today = clock.DayOf(command.Now);
        if (command.Instalments.IsEmpty) throw CaseCommandRefused.Input("instalments", "at least one instalment");
        for (var n = 0; n < command.Instalments.Count; n++)
        {
            var (dueDate, amount) = command.Instalments[n];
            if (amount <= 0) throw CaseCommandRefused.Input($"instalments[{n}].amount", "must be more than zero");
            if (dueDate < today) throw CaseCommandRefused.Input($"instalments[{n}].dueDate", $"{dueDate:yyyy-MM-dd} is in the past (today is {today:yyyy-MM-dd})");
            if (dueDate > today.AddDays(policy.MaxPaymentPlanDays))
                throw CaseCommandRefused.Input($"instalments[{n}].dueDate", $"more than {policy.MaxPaymentPlanDays} days ahead (Dunning:MaxPaymentPlanDays)");
            if (n > 0 && dueDate <= command.Instalments[n - 1].DueDate)
                throw CaseCommandRefused.Input($"instalments[{n}].dueDate", $"must come after the previous instalment's ({command.Instalments[n - 1].DueDate:yyyy-MM-dd})");
        }
        var invoices = Arrangements.Covered(state, command.Invoices);
        var owed = invoices.Sum(i => i.Outstanding);
        var total = command.Instalments.Sum(i => i.Amount);
        if (total != owed)
            throw CaseCommandRefused.Input("instalments", $"the instalments add up to {total:0.00} but the invoices covered owe {owed:0.00} {state.Currency}");
        return [new PaymentPlanAgreed(command.PaymentPlanId,
            [.. command.Instalments.Select((i, n) => new Instalment(n + 1, i.DueDate, i.Amount))],
            [.. invoices.Select(i => new ArrangedInvoice(i.InvoiceNumber, i.Outstanding))],
            policy.InstalmentGraceDays, command.Reason, command.By, command.Now)];
    }
}
