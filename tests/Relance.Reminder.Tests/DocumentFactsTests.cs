using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ReminderService.DunningCases.ChangingBalance;

namespace Relance.Reminder.Tests;

/// <summary>What the case keeps for the documents: the contract's payment clause, the due date an invoice came with, the customer's language.</summary>
[Trait("Category", "Unit")]
public class DocumentFactsTests
{
    static readonly DateTimeOffset Start = new(2026, 5, 31, 10, 0, 0, TimeSpan.FromHours(2));
    static readonly DateOnly Due = new(2026, 6, 30);

    static CaseSimulation WithClause()
    {
        var run = new CaseSimulation(Start);
        run.Apply(DunningCaseDecider.Decide(
            new AddInvoiceToCase("ACME", CaseSimulation.Customer, "EUR", "F-1", new(2026, 5, 31), Due, 1200m, CaseSimulation.Standard, "test plan", Start)
            {
                PaymentClause = "Paiement à 30 jours date de facture.",
            }, run.State, CaseSimulation.Policy, CaseSimulation.Law));
        return run;
    }

    [Fact]
    public void An_invoice_keeps_its_payment_clause_and_the_due_date_it_came_with_when_the_erp_postpones_it()
    {
        var run = WithClause();
        Assert.Equal("Paiement à 30 jours date de facture.", run.Events.OfType<InvoiceJoinedCase>().Single().PaymentClause);

        run.Do(state => DunningCaseDecider.Decide(new ChangeInvoiceBalance(state.Id, "F-1", 1200m, Due.AddDays(15), "correction", Start.AddDays(3)), state));
        var invoice = run.State!.OpenInvoices.Single();
        Assert.Equal((Due.AddDays(15), (DateOnly?)Due, "Paiement à 30 jours date de facture."), (invoice.DueDate, invoice.OriginalDueDate, invoice.PaymentClause));
    }

    [Fact]
    public void The_customers_preferred_language_is_kept_on_its_case()
    {
        var run = WithClause();
        Assert.Null(run.State!.Customer.PreferredLanguage);
        run.Customer_(CaseSimulation.Customer with { PreferredLanguage = "en" }, null);
        Assert.Equal("en", run.State!.Customer.PreferredLanguage);
    }
}
