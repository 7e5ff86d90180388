using InvoiceOwed = Relance.Contracts.Invoicing.InvoiceOwed;
using InvoiceOwedStatuses = Relance.Contracts.Invoicing.InvoiceOwedStatuses;
using Relance.InvoiceService.Invoices;
using Relance.InvoiceService.Invoices.CheckingOwed;
using Relance.InvoiceService.Invoices.RecordingAllocation;
using Relance.InvoiceService.Invoices.RecordingInvoice;

namespace Relance.Invoice.Tests;

/// <summary>The Invoice service's answer to the Correspondence service's last look, line by line.</summary>
[Trait("Category", "Unit")]
public class InvoicesOwedQueryTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
    static readonly DateOnly Today = new(2026, 11, 2);

    static readonly InvoiceIssued Issued = new RecordInvoice("ACME", "F-1", new("C1", "Dupont SARL", "compta@dupont.fr"),
        new(2026, 10, 1), new(2026, 10, 31), 1000m, 1200m, "EUR", null, null, null, [], Now).ToEvent();

    static InvoiceService.Invoices.Invoice? State(params object[] events) => events.Aggregate((InvoiceService.Invoices.Invoice?)null, InvoiceEvolution.Evolve);

    [Fact]
    public void An_invoice_never_recorded_is_unknown() =>
        Assert.Equal(new InvoiceOwed("F-1", InvoiceOwedStatuses.Unknown, 0m), InvoicesOwedQuery.Line("F-1", null));

    [Fact]
    public void Payments_waiting_for_their_invoice_leave_it_unknown() =>
        Assert.Equal(new InvoiceOwed("F-1", InvoiceOwedStatuses.Unknown, 0m),
            InvoicesOwedQuery.Line("F-1", State(new AllocationParked("ACME", "F-1", AllocationKind.Payment, "P1", 200m, "EUR", Today, Now))));

    [Fact]
    public void An_open_invoice_says_what_is_still_owed() =>
        Assert.Equal(new InvoiceOwed("F-1", InvoiceOwedStatuses.Open, 1000m),
            InvoicesOwedQuery.Line("F-1", State(Issued, new PaymentReceived("P1", 200m, Today, 1000m, Now))));

    [Fact]
    public void A_settled_invoice_owes_nothing() =>
        Assert.Equal(new InvoiceOwed("F-1", InvoiceOwedStatuses.Settled, 0m),
            InvoicesOwedQuery.Line("F-1", State(Issued, new PaymentReceived("P1", 1200m, Today, 0m, Now), new InvoiceSettled(Today, Now))));

    [Fact]
    public void A_cancelled_invoice_owes_nothing() =>
        Assert.Equal(new InvoiceOwed("F-1", InvoiceOwedStatuses.Cancelled, 0m),
            InvoicesOwedQuery.Line("F-1", State(Issued, new InvoiceCancelled("issued twice", Now))));
}
