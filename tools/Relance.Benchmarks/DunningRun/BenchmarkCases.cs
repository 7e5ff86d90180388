using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ReminderService.DunningPlans;
using Relance.ReminderService.LatePayment;

namespace Relance.Benchmarks.DunningRun;

/// <summary>One customer's case as the Reminder service would hold it: its events and the state they make.</summary>
public sealed record SeededCase(string Id, IReadOnlyList<object> Events, DunningCase State);

/// <summary>
/// The cases of the benchmark, decided by the real decider: every case opened 30 days before the run with its
/// invoices. A due case's oldest invoice falls due 10 days after the run, so its first courtesy reminder (D-10) is
/// due at the run; the others fall due 60 days or more after it, so nothing is due for them.
/// </summary>
public sealed class BenchmarkCases(DunningPlan plan, DunningPolicy policy, LatePaymentLaw law, DateTimeOffset runAt, int invoicesPerCustomer, int duePercent)
{
    public DateTimeOffset OpenedAt => runAt.AddDays(-30);

    public bool IsDue(int customer) => customer % (100 / duePercent) == 0;

    public int DueAmong(int customers) => (customers + 100 / duePercent - 1) / (100 / duePercent);

    public SeededCase Case(int c) => Build(c, IsDue(c) ? 10 : null);

    /// <summary>
    /// A case whose first reminder falls due 5 days before the run, and the next one 2 days after it: the scheduler
    /// acts on it alone at its moment, which compiles the run's code (Marten generates its own at the first use) as in
    /// a service that has been running, and leaves it not due at the run.
    /// </summary>
    public SeededCase WarmUp(int c) => Build(c, 5);

    SeededCase Build(int c, int? firstDueInDays)
    {
        var customer = new CaseCustomer($"C{c:D7}", $"Client {c}", $"compta{c}@client.test");
        DunningCase? state = null;
        var events = new List<object>();
        for (var i = 0; i < invoicesPerCustomer; i++)
        {
            var dueDate = DateOnly.FromDateTime(runAt.UtcDateTime).AddDays(i == 0 && firstDueInDays is { } days ? days : 60 + i * 7);
            var decided = DunningCaseDecider.Decide(new AddInvoiceToCase("BENCH", customer, "EUR", $"F{c:D7}-{i:D2}", dueDate.AddDays(-30), dueDate,
                100m + i * 10, plan, "benchmark", OpenedAt), state, policy, law);
            foreach (var e in decided) state = DunningCaseEvolution.Evolve(state, e);
            events.AddRange(decided);
        }
        // Marten sets the version of a projected document to its stream's; the seeding through COPY does the same.
        state!.Version = events.Count;
        return new SeededCase(state.Id, events, state);
    }
}
