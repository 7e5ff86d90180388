using System.Collections.Immutable;

namespace Relance.ReminderService.DunningCases.Promising;

/// <summary>The customer promises to pay <paramref name="Amount"/> by <paramref name="PromisedFor"/>, for the invoices listed (none: all those owed and not contested).</summary>
public sealed record PromisePayment(Guid PromiseId, decimal Amount, DateOnly PromisedFor, ImmutableList<string>? Invoices, string? Notes, string By, DateTimeOffset Now);

public static class PromisePaymentDecider
{
    public static IReadOnlyList<object> Decide(PromisePayment command, DunningCase state, DunningPolicy policy)
    {
        var clock = Arrangements.OpenWithPlan(state).Clock;
        Arrangements.NoneInForce(state);
        var today = clock.DayOf(command.Now);
        if (command.PromisedFor < today)
            throw CaseCommandRefused.Input("promisedFor", $"{command.PromisedFor:yyyy-MM-dd} is in the past (today is {today:yyyy-MM-dd})");
        if (command.PromisedFor > today.AddDays(policy.MaxPromiseDays))
            throw CaseCommandRefused.Input("promisedFor", $"more than {policy.MaxPromiseDays} days ahead (Dunning:MaxPromiseDays): agree a payment plan instead");
        var invoices = Arrangements.Covered(state, command.Invoices);
        var owed = invoices.Sum(i => i.Outstanding);
        if (command.Amount <= 0) throw CaseCommandRefused.Input("amount", "must be more than zero");
        if (command.Amount > owed)
            throw CaseCommandRefused.Input("amount", $"{command.Amount:0.00} is more than the {owed:0.00} {state.Currency} owed on the invoices covered");
        return [new PaymentPromised(command.PromiseId, command.Amount, command.PromisedFor, clock.At(command.PromisedFor.AddDays(policy.PromiseGraceDays + 1)),
            [.. invoices.Select(i => new ArrangedInvoice(i.InvoiceNumber, i.Outstanding))], command.Notes, command.By, command.Now)];
    }
}

/// <summary>What promises and payment plans have in common: the invoices they cover, one in force at a time.</summary>
public static class Arrangements
{
    public static DunningPlans.DunningPlan OpenWithPlan(DunningCase state) =>
        state is { Status: CaseStatus.Open, Plan: { } plan } ? plan
        : throw CaseCommandRefused.State("case", $"the case is {state.Status.ToString().ToLowerInvariant()}: nothing more is chased on it");

    public static void NoneInForce(DunningCase state)
    {
        if (state.Promise is { } promise)
            throw CaseCommandRefused.State("case", $"a promise to pay {promise.Amount:0.00} by {promise.PromisedFor:yyyy-MM-dd} is in force until {promise.DeadlineAt:O}");
        if (state.PaymentPlan is { } plan)
            throw CaseCommandRefused.State("case", $"a payment plan of {plan.Instalments.Count} instalments is in force ({plan.InstalmentsPaid} paid)");
    }

    /// <summary>The invoices named, each open on the case; none named: every open invoice not contested.</summary>
    public static List<CaseInvoice> Covered(DunningCase state, ImmutableList<string>? numbers, string field = "invoices")
    {
        if (numbers is null || numbers.IsEmpty)
        {
            var all = state.OpenInvoices.Where(i => i.OpenDisputes.IsEmpty && !i.LeftToPerson).ToList();
            return all.Count > 0 ? all : throw CaseCommandRefused.State(field, "no invoice of the case is owed and uncontested");
        }
        var covered = new List<CaseInvoice>();
        for (var n = 0; n < numbers.Count; n++)
        {
            var invoice = state.OpenInvoices.Find(i => i.InvoiceNumber == numbers[n])
                ?? throw CaseCommandRefused.Input($"{field}[{n}]", $"{numbers[n]} is not an invoice owed on this case");
            if (!covered.Contains(invoice)) covered.Add(invoice);
        }
        return covered;
    }
}
