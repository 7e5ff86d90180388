namespace Relance.ReminderService.DunningCases.Holding;

/// <summary>Hold the whole case (the customer, in this currency) or one of its invoices until a date, with a reason.</summary>
public sealed record SetHold(string? InvoiceNumber, string Reason, DateOnly Until, string By, DateTimeOffset Now);

/// <summary>Lift a hold before its date.</summary>
public sealed record LiftHold(string? InvoiceNumber, string Reason, string By, DateTimeOffset Now);

public static class HoldDecider
{
    public static IReadOnlyList<object> Decide(SetHold command, DunningCase state, DunningPolicy policy)
    {
        var clock = Promising.Arrangements.OpenWithPlan(state).Clock;
        var today = clock.DayOf(command.Now);
        if (command.Until < today)
            throw CaseCommandRefused.Input("until", $"{command.Until:yyyy-MM-dd} is in the past (today is {today:yyyy-MM-dd})");
        if (command.Until > today.AddDays(policy.MaxHoldDays))
            throw CaseCommandRefused.Input("until", $"more than {policy.MaxHoldDays} days ahead (Dunning:MaxHoldDays)");
        // Held until a day included: the chase resumes the morning after.
        var resumesAt = clock.At(command.Until.AddDays(1));
        if (command.InvoiceNumber is null)
            return [new CaseHoldSet(command.Reason, command.Until, resumesAt, command.Now) { By = command.By }];
        if (!state.OpenInvoices.Exists(i => i.InvoiceNumber == command.InvoiceNumber))
            throw CaseCommandRefused.Input("invoiceNumber", $"{command.InvoiceNumber} is not an invoice owed on this case");
        return [new InvoiceHoldSet(command.InvoiceNumber, command.Reason, command.Until, resumesAt, command.By, command.Now)];
    }

    public static IReadOnlyList<object> Decide(LiftHold command, DunningCase state)
    {
        if (command.InvoiceNumber is null)
            // Only a person's hold: the ERP's is the ERP's to lift (customer.upserted without a hold).
            return state.PersonHold is { } hold && hold.ResumesAt > command.Now
                ? [new CaseHoldLifted(command.Now) { Reason = command.Reason, By = command.By, Of = "person" }]
                : throw CaseCommandRefused.State("hold", state.Hold is not null ? "the case's hold was set by the ERP: it is lifted there" : "the case is not on hold");
        var invoice = state.OpenInvoices.Find(i => i.InvoiceNumber == command.InvoiceNumber)
            ?? throw CaseCommandRefused.Input("invoiceNumber", $"{command.InvoiceNumber} is not an invoice owed on this case");
        return invoice.Hold is not null
            ? [new InvoiceHoldLifted(invoice.InvoiceNumber, command.Reason, command.By, command.Now)]
            : throw CaseCommandRefused.State("hold", $"{invoice.InvoiceNumber} is not on hold");
    }
}
