using Relance.InvoiceService.Invoices;
using Relance.InvoiceService.Invoices.RecordingInvoice;
using Relance.InvoiceService.Invoices.RecordingPayment;
using Relance.ServiceDefaults;
using Relance.Testing;

namespace Relance.Invoice.Tests;

[Trait("Category", "Unit")]
public class InvoiceDeciderTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
    static readonly InvoiceCustomer Customer = new("C1", "Dupont SARL", "compta@dupont.fr");

    static RecordInvoice Record(decimal amount = 1200m) =>
        new("ACME", "F-1", Customer, new(2026, 10, 1), new(2026, 10, 31), amount / 1.2m, amount, "EUR", Now);

    static InvoiceIssued Issued(decimal amount = 1200m) =>
        new("ACME", "F-1", Customer, new(2026, 10, 1), new(2026, 10, 31), amount / 1.2m, amount, "EUR", Now);

    static RecordPayment Pay(string id, decimal amount, string currency = "EUR") =>
        new("ACME", "F-1", id, amount, currency, new(2026, 11, 2), Now);

    static DeciderSpec<InvoiceService.Invoices.Invoice> Spec() => new(InvoiceEvolution.Evolve);

    [Fact]
    public void A_new_invoice_is_issued() =>
        Spec().Given().When(s => InvoiceDecider.Decide(Record(), s)).Then(Issued());

    [Fact]
    public void The_same_invoice_again_changes_nothing() =>
        Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Record() with { Now = Now.AddHours(1) }, s)).Then();

    [Fact]
    public void A_different_invoice_under_a_used_number_is_refused()
    {
        var error = Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Record(999m), s)).ThenThrows<MessageRejectedException>();
        Assert.Equal("invoiceNumber", Assert.Single(error.Reasons).Field);
    }

    [Fact]
    public void A_partial_payment_leaves_the_rest_outstanding() =>
        Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Pay("P1", 200m), s))
            .Then(new PaymentReceived("P1", 200m, new(2026, 11, 2), 1000m, Now));

    [Fact]
    public void Paying_the_rest_settles_the_invoice() =>
        Spec().Given(Issued(), new PaymentReceived("P1", 200m, new(2026, 11, 2), 1000m, Now))
            .When(s => InvoiceDecider.Decide(Pay("P2", 1000m), s))
            .Then(new PaymentReceived("P2", 1000m, new(2026, 11, 2), 0m, Now), new InvoiceSettled(new(2026, 11, 2), Now));

    [Fact]
    public void An_overpayment_settles_and_keeps_the_credit_visible() =>
        Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Pay("P1", 1300m), s))
            .Then(new PaymentReceived("P1", 1300m, new(2026, 11, 2), -100m, Now), new InvoiceSettled(new(2026, 11, 2), Now));

    [Fact]
    public void The_same_payment_twice_is_applied_once() =>
        Spec().Given(Issued(), new PaymentReceived("P1", 200m, new(2026, 11, 2), 1000m, Now))
            .When(s => InvoiceDecider.Decide(Pay("P1", 200m), s)).Then();

    [Fact]
    public void A_payment_after_settlement_is_recorded_without_settling_twice() =>
        Spec().Given(Issued(), new PaymentReceived("P1", 1200m, new(2026, 11, 2), 0m, Now), new InvoiceSettled(new(2026, 11, 2), Now))
            .When(s => InvoiceDecider.Decide(Pay("P2", 50m), s))
            .Then(new PaymentReceived("P2", 50m, new(2026, 11, 2), -50m, Now));

    [Fact]
    public void A_payment_for_an_unknown_invoice_is_refused()
    {
        var error = Spec().Given().When(s => InvoiceDecider.Decide(Pay("P1", 10m), s)).ThenThrows<MessageRejectedException>();
        Assert.Contains("no invoice F-1", Assert.Single(error.Reasons).Error);
    }

    [Fact]
    public void A_payment_in_another_currency_is_refused()
    {
        var error = Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Pay("P1", 10m, "USD"), s)).ThenThrows<MessageRejectedException>();
        Assert.Equal("currency", Assert.Single(error.Reasons).Field);
    }

    [Fact]
    public void The_state_follows_the_events()
    {
        var state = new object[] { Issued(), new PaymentReceived("P1", 1200m, new(2026, 11, 2), 0m, Now), new InvoiceSettled(new(2026, 11, 2), Now) }
            .Aggregate((InvoiceService.Invoices.Invoice?)null, InvoiceEvolution.Evolve)!;
        Assert.Equal("ACME/F-1", state.Id);
        Assert.Equal(0m, state.Outstanding);
        Assert.Equal(InvoiceStatus.Settled, state.Status);
        Assert.Equal(["P1"], state.PaymentIds);
    }
}
