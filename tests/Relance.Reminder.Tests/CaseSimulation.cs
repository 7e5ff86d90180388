using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ReminderService.DunningCases.Approving;
using Relance.ReminderService.DunningCases.ChangingBalance;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ReminderService.DunningCases.Disputing;
using Relance.ReminderService.DunningCases.RemovingInvoice;
using Relance.ReminderService.DunningCases.TakingDueActions;
using Relance.ReminderService.DunningPlans;
using Relance.ReminderService.LatePayment;

namespace Relance.Reminder.Tests;

/// <summary>
/// One customer's case driven by the pure decider alone, the clock moved forward hour by hour as the
/// scheduler would: what it decides, and when, is what the service would do.
/// </summary>
public sealed class CaseSimulation
{
    public static readonly LatePaymentLaw Law = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "late-payment-law.json")).Build()
        .GetSection("LatePaymentLaw").Get<LatePaymentLaw>()!;

    public static readonly DunningPlan Standard = System.Text.Json.JsonSerializer.Deserialize<DunningPlan>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", "standard.json")), PlanCatalog.Json)! with { Version = 1 };

    public static readonly DunningPolicy Policy = new();
    public static readonly CaseCustomer Customer = new("C1", "Dupont SARL", "compta@dupont.example")
    {
        PostalAddress = new CasePostalAddress(["12 rue des Lilas"], "69003", "Lyon", "FR"),
        Contacts = [new CaseContact("billing", "Anne Martin", "anne.martin@dupont.example", "+33 4 72 00 00 01")],
    };

    readonly DunningPlan _plan;
    readonly CaseCustomer _customer;
    public DunningCase? State { get; private set; }
    public List<object> Events { get; } = [];
    public DateTimeOffset Now { get; private set; }

    public CaseSimulation(DateTimeOffset start, DunningPlan? plan = null, CaseCustomer? customer = null)
    {
        Now = start;
        _plan = plan ?? Standard;
        _customer = customer ?? Customer;
    }

    public IReadOnlyList<object> Apply(IReadOnlyList<object> events)
    {
        foreach (var e in events)
        {
            State = DunningCaseEvolution.Evolve(State, e);
            Events.Add(e);
        }
        return events;
    }

    public CaseSimulation Invoice(string number, DateOnly due, decimal amount, DateOnly? issued = null, decimal? rate = null)
    {
        Apply(DunningCaseDecider.Decide(new AddInvoiceToCase("ACME", _customer, "EUR", number, issued ?? due.AddDays(-30), due, amount, _plan, "test plan", Now)
        { LatePenaltyRatePercent = rate }, State, Policy, Law));
        return this;
    }

    public CaseSimulation Paid(string number, decimal remaining)
    {
        var invoice = State!.OpenInvoices.Single(i => i.InvoiceNumber == number);
        Decided = Apply(remaining == 0
            ? DunningCaseDecider.Decide(new RemoveInvoiceFromCase(State.Id, number, "settled", Now), State)
            : DunningCaseDecider.Decide(new ChangeInvoiceBalance(State.Id, number, remaining, invoice.DueDate, "payment", Now), State));
        return this;
    }

    public CaseSimulation Disputed(string number, bool opened) =>
        Do(DunningCaseDecider.Decide(new RecordDispute(State!.Id, number, "D-1", opened, opened ? "wrong amount" : "credit note issued", Now), State));

    public CaseSimulation Customer_(CaseCustomer customer, CustomerHold? hold) =>
        Do(DunningCaseDecider.Decide(new ChangeCustomer("ACME", customer.CustomerId, customer, hold, Now), State));

    public CaseSimulation Approve(bool approve = true)
    {
        var pending = State!.AwaitingApproval ?? throw new InvalidOperationException("nothing awaits approval");
        return Do(DunningCaseDecider.Decide(new DecideApproval(State.Id, pending.ActionId, approve, "manager@acme", approve ? null : "customer is strategic", Now), State));
    }

    CaseSimulation Do(IReadOnlyList<object> events)
    {
        Decided = Apply(events);
        return this;
    }

    /// <summary>The events of the last decision taken with <see cref="Do(Func{DunningCase, IReadOnlyList{object}})"/> (or an ERP message).</summary>
    public IReadOnlyList<object> Decided { get; private set; } = [];

    /// <summary>A person's decision, taken on the case as it stands at the simulation's current time (<see cref="Now"/>).</summary>
    public CaseSimulation Do(Func<DunningCase, IReadOnlyList<object>> decide) => Do(decide(State!));

    /// <summary>A person's decision the case refuses: nothing is applied; the refusal is returned.</summary>
    public CaseCommandRefused Refused(Func<DunningCase, IReadOnlyList<object>> decide)
    {
        var count = Events.Count;
        var refused = Assert.Throws<CaseCommandRefused>(() => Do(decide));
        Assert.Equal(count, Events.Count);
        return refused;
    }

    /// <summary>Moves the clock hour by hour to <paramref name="until"/>, running the scheduler's decision at each hour.</summary>
    public CaseSimulation RunUntil(DateTimeOffset until, Func<DateTimeOffset, bool>? stopWhen = null)
    {
        while (Now < until)
        {
            Now = Now.AddHours(1);
            if (State is { NextActionAt: { } next } && next <= Now)
                Apply(DunningCaseDecider.Decide(new TakeDueActions(Guid.NewGuid(), Now), State, Law));
            if (stopWhen?.Invoke(Now) == true) break;
        }
        return this;
    }

    public CaseSimulation RunDays(int days) => RunUntil(Now.AddDays(days));

    /// <summary>Runs until the case waits for approval, or the deadline.</summary>
    public CaseSimulation RunUntilApprovalAwaited(int maxDays) => RunUntil(Now.AddDays(maxDays), _ => State?.AwaitingApproval is { Approved: false });

    /// <summary>The actions taken so far as "yyyy-MM-dd step channel" (local dates), the phrasing the tests compare.</summary>
    public IReadOnlyList<string> Actions => [.. Events.SelectMany(Describe)];

    public IEnumerable<string> Describe(object e) => e switch
    {
        ReminderRequested r => [$"{Day(r.RequestedAt)} {r.Step} {r.Channel} [{string.Join(",", r.Invoices.Select(i => i.InvoiceNumber))}]"],
        StepSkipped s => [$"{Day(s.SkippedAt)} {s.Step} skipped [{string.Join(",", s.Invoices.Select(i => i.InvoiceNumber))}]"],
        ActionAwaitingApproval a => [$"{Day(a.At)} {a.Step} awaits approval"],
        CaseHandedToLitigation l => [$"{Day(l.HandedOverAt)} {l.Step} handed over [{string.Join(",", l.Invoices.Select(i => i.InvoiceNumber))}]"],
        _ => [],
    };

    string Day(DateTimeOffset at) => _plan.Clock.DayOf(at).ToString("yyyy-MM-dd");

    public static ImmutableList<T> List<T>(params T[] items) => [.. items];
}
