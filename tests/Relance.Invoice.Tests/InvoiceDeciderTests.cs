using Relance.InvoiceService.Invoices;
using Relance.InvoiceService.Invoices.CancellingInvoice;
using Relance.InvoiceService.Invoices.CorrectingInvoice;
using Relance.InvoiceService.Invoices.Disputing;
using Relance.InvoiceService.Invoices.RecordingAllocation;
using Relance.InvoiceService.Invoices.RecordingInvoice;
using Relance.ServiceDefaults;
using Relance.Testing;

namespace Relance.Invoice.Tests;

[Trait("Category", "Unit")]
public class InvoiceDeciderTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
    static readonly DateOnly Today = new(2026, 11, 2);
    static readonly InvoiceCustomer Customer = new("C1", "Dupont SARL", "compta@dupont.fr");

    static RecordInvoice Record(decimal amount = 1200m) =>
        new("ACME", "F-1", Customer, new(2026, 10, 1), new(2026, 10, 31), amount / 1.2m, amount, "EUR", null, null, null, [], Now);

    static InvoiceIssued Issued(decimal amount = 1200m) => Record(amount).ToEvent();

    static RecordAllocation Pay(string id, decimal amount, string currency = "EUR") =>
        new("ACME", "F-1", AllocationKind.Payment, id, amount, currency, Today, Now);

    static RecordAllocation Credit(string number, decimal amount) =>
        new("ACME", "F-1", AllocationKind.CreditNote, number, amount, "EUR", Today, Now);

    static AllocationParked Parked(AllocationKind kind, string reference, decimal amount, string currency = "EUR") =>
        new("ACME", "F-1", kind, reference, amount, currency, Today, Now);

    static CorrectInvoice Correct(string id, decimal amount, DateOnly? due = null) =>
        new("ACME", "F-1", id, due ?? new(2026, 11, 30), amount / 1.2m, amount, "wrong quantity", Now);

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
            .Then(new PaymentReceived("P1", 200m, Today, 1000m, Now));

    [Fact]
    public void Paying_the_rest_settles_the_invoice() =>
        Spec().Given(Issued(), new PaymentReceived("P1", 200m, Today, 1000m, Now))
            .When(s => InvoiceDecider.Decide(Pay("P2", 1000m), s))
            .Then(new PaymentReceived("P2", 1000m, Today, 0m, Now), new InvoiceSettled(Today, Now));

    [Fact]
    public void An_overpayment_settles_and_keeps_the_credit_visible() =>
        Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Pay("P1", 1300m), s))
            .Then(new PaymentReceived("P1", 1300m, Today, -100m, Now), new InvoiceSettled(Today, Now));

    [Fact]
    public void The_same_payment_twice_is_applied_once() =>
        Spec().Given(Issued(), new PaymentReceived("P1", 200m, Today, 1000m, Now))
            .When(s => InvoiceDecider.Decide(Pay("P1", 200m), s)).Then();

    [Fact]
    public void The_same_payment_id_with_another_amount_is_refused()
    {
        var error = Spec().Given(Issued(), new PaymentReceived("P1", 200m, Today, 1000m, Now))
            .When(s => InvoiceDecider.Decide(Pay("P1", 250m), s)).ThenThrows<MessageRejectedException>();
        Assert.Equal("paymentId", Assert.Single(error.Reasons).Field);
        Spec().Given(Parked(AllocationKind.CreditNote, "AV-1", 100m)).When(s => InvoiceDecider.Decide(Credit("AV-1", 90m), s)).ThenThrows<MessageRejectedException>();
    }

    [Fact]
    public void A_payment_after_settlement_is_recorded_without_settling_twice() =>
        Spec().Given(Issued(), new PaymentReceived("P1", 1200m, Today, 0m, Now), new InvoiceSettled(Today, Now))
            .When(s => InvoiceDecider.Decide(Pay("P2", 50m), s))
            .Then(new PaymentReceived("P2", 50m, Today, -50m, Now));

    [Fact]
    public void A_payment_or_credit_note_on_a_cancelled_invoice_is_refused_naming_where_the_invoice_was_named()
    {
        var cancelled = new object[] { Issued(), new InvoiceCancelled("duplicate", Now) };
        var error = Spec().Given(cancelled).When(s => InvoiceDecider.Decide(Pay("P1", 200m), s)).ThenThrows<MessageRejectedException>();
        Assert.Equal([("invoiceNumber", "invoice F-1 is cancelled: no payment or credit note can apply to it")], error.Reasons);
        error = Spec().Given(cancelled).When(s => InvoiceDecider.Decide(Credit("AV-1", 100m) with { InvoiceNumberField = "allocations[1].invoiceNumber" }, s))
            .ThenThrows<MessageRejectedException>();
        Assert.Equal("allocations[1].invoiceNumber", Assert.Single(error.Reasons).Field);
    }

    [Fact]
    public void A_payment_recorded_before_the_cancellation_sent_again_is_still_a_repeat()
    {
        var given = new object[] { Issued(), new PaymentReceived("P1", 200m, Today, 1000m, Now), new InvoiceCancelled("duplicate", Now) };
        Spec().Given(given).When(s => InvoiceDecider.Decide(Pay("P1", 200m), s)).Then();
        Assert.Equal("paymentId", Assert.Single(Spec().Given(given).When(s => InvoiceDecider.Decide(Pay("P1", 250m), s)).ThenThrows<MessageRejectedException>().Reasons).Field);
    }

    [Fact]
    public void A_credit_note_or_payment_naming_another_customer_than_the_invoice_s_is_refused()
    {
        var error = Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Credit("AV-1", 100m) with { CustomerId = "C2" }, s)).ThenThrows<MessageRejectedException>();
        Assert.Equal([("customerId", "invoice F-1 was issued to customer C1, not C2")], error.Reasons);
        Assert.Equal("customerId", Assert.Single(Spec().Given(Issued())
            .When(s => InvoiceDecider.Decide(Pay("P1", 100m) with { CustomerId = "C2" }, s)).ThenThrows<MessageRejectedException>().Reasons).Field);
        Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Credit("AV-1", 100m) with { CustomerId = "C1" }, s))
            .Then(new CreditNoteApplied("AV-1", 100m, Today, 1100m, Now));
    }

    [Fact]
    public void Every_reason_to_refuse_an_allocation_is_given_at_once()
    {
        var error = Spec().Given(Issued(), new InvoiceCancelled("duplicate", Now))
            .When(s => InvoiceDecider.Decide(Pay("P1", 100m, "USD") with { CustomerId = "C2" }, s)).ThenThrows<MessageRejectedException>();
        Assert.Equal(["invoiceNumber", "customerId", "currency"], error.Reasons.Select(r => r.Field));
    }

    [Fact]
    public void A_credit_note_parked_for_another_customer_is_refused_when_the_invoice_comes() =>
        Spec().Given(Parked(AllocationKind.CreditNote, "AV-1", 100m) with { CustomerId = "C2" }, Parked(AllocationKind.Payment, "P1", 200m) with { CustomerId = "C1" })
            .When(s => InvoiceDecider.Decide(Record(), s))
            .Then(Issued(), new ParkedAllocationRefused(AllocationKind.CreditNote, "AV-1", "it names customer C2, the invoice's is C1", Now),
                new PaymentReceived("P1", 200m, Today, 1000m, Now));

    [Fact]
    public void A_payment_in_another_currency_is_refused()
    {
        var error = Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Pay("P1", 10m, "USD"), s)).ThenThrows<MessageRejectedException>();
        Assert.Equal("currency", Assert.Single(error.Reasons).Field);
    }

    [Fact]
    public void A_credit_note_lowers_what_is_owed_once() =>
        Spec().Given(Issued(), new CreditNoteApplied("AV-1", 200m, Today, 1000m, Now))
            .When(s => InvoiceDecider.Decide(Credit("AV-1", 200m), s)).Then();

    [Fact]
    public void A_credit_note_for_the_whole_rest_settles_the_invoice() =>
        Spec().Given(Issued(), new PaymentReceived("P1", 200m, Today, 1000m, Now))
            .When(s => InvoiceDecider.Decide(Credit("AV-1", 1000m), s))
            .Then(new CreditNoteApplied("AV-1", 1000m, Today, 0m, Now), new InvoiceSettled(Today, Now));

    [Fact]
    public void A_payment_before_its_invoice_is_parked_once() =>
        Spec().Given(Parked(AllocationKind.Payment, "P1", 200m))
            .When(s => InvoiceDecider.Decide(Pay("P1", 200m), s)).Then();

    [Fact]
    public void A_payment_for_an_invoice_not_known_yet_is_parked() =>
        Spec().Given().When(s => InvoiceDecider.Decide(Pay("P1", 200m) with { CustomerId = "C1" }, s))
            .Then(Parked(AllocationKind.Payment, "P1", 200m) with { CustomerId = "C1" });

    [Fact]
    public void Parked_allocations_apply_when_the_invoice_comes() =>
        Spec().Given(Parked(AllocationKind.Payment, "P1", 200m), Parked(AllocationKind.CreditNote, "AV-1", 100m))
            .When(s => InvoiceDecider.Decide(Record(), s))
            .Then(Issued(), new PaymentReceived("P1", 200m, Today, 1000m, Now), new CreditNoteApplied("AV-1", 100m, Today, 900m, Now));

    [Fact]
    public void Parked_allocations_that_cover_the_invoice_settle_it_on_arrival() =>
        Spec().Given(Parked(AllocationKind.Payment, "P1", 1200m))
            .When(s => InvoiceDecider.Decide(Record(), s))
            .Then(Issued(), new PaymentReceived("P1", 1200m, Today, 0m, Now), new InvoiceSettled(Today, Now));

    [Fact]
    public void A_parked_allocation_in_another_currency_is_refused_with_its_reason() =>
        Spec().Given(Parked(AllocationKind.Payment, "P1", 200m, "USD"))
            .When(s => InvoiceDecider.Decide(Record(), s))
            .Then(Issued(), new ParkedAllocationRefused(AllocationKind.Payment, "P1", "it is in USD, the invoice in EUR", Now));

    [Fact]
    public void A_correction_replaces_the_amounts_and_keeps_what_was_paid()
    {
        var outcome = Spec().Given(Issued(), new PaymentReceived("P1", 200m, Today, 1000m, Now))
            .When(s => InvoiceDecider.Decide(Correct("K1", 1500m), s))
            .Then(new InvoiceCorrected("K1", new(2026, 11, 30), 1250m, 1500m, "wrong quantity", 1300m, Now));
        Assert.Equal(1300m, outcome.State!.Outstanding);
    }

    [Fact]
    public void A_correction_below_what_was_paid_settles_the_invoice() =>
        Spec().Given(Issued(), new PaymentReceived("P1", 600m, Today, 600m, Now))
            .When(s => InvoiceDecider.Decide(Correct("K1", 600m), s))
            .Then(new InvoiceCorrected("K1", new(2026, 11, 30), 500m, 600m, "wrong quantity", 0m, Now), new InvoiceSettled(Today, Now));

    [Fact]
    public void The_same_correction_twice_is_applied_once() =>
        Spec().Given(Issued(), new InvoiceCorrected("K1", new(2026, 11, 30), 1250m, 1500m, "wrong quantity", 1500m, Now))
            .When(s => InvoiceDecider.Decide(Correct("K1", 1500m), s)).Then();

    [Fact]
    public void The_same_correction_id_with_other_content_is_refused()
    {
        var applied = new InvoiceCorrected("K1", new(2026, 11, 30), 1250m, 1500m, "wrong quantity", 1500m, Now);
        var error = Spec().Given(Issued(), applied)
            .When(s => InvoiceDecider.Decide(Correct("K1", 1440m, new DateOnly(2026, 12, 15)), s)).ThenThrows<MessageRejectedException>();
        var reason = Assert.Single(error.Reasons);
        Assert.Equal("correctionId", reason.Field);
        Assert.Equal("correction K1 was already applied to invoice F-1 with dueDate 2026-11-30 (not 2026-12-15), amountExcludingVat 1250 (not 1200), "
            + "amountIncludingVat 1500 (not 1440); give another correction its own correctionId", reason.Error);
        Spec().Given(Issued(), applied).When(s => InvoiceDecider.Decide(Correct("K1", 1500m) with { Reason = "remise" }, s))
            .ThenThrows<MessageRejectedException>();
    }

    [Fact]
    public void A_correction_resent_after_the_invoice_was_cancelled_is_still_a_repeat() =>
        Spec().Given(Issued(), new InvoiceCorrected("K1", new(2026, 11, 30), 1250m, 1500m, "wrong quantity", 1500m, Now), new InvoiceCancelled("x", Now))
            .When(s => InvoiceDecider.Decide(Correct("K1", 1500.00m), s)).Then();

    [Theory]
    [InlineData("unknown")]
    [InlineData("settled")]
    [InlineData("due-before-issue")]
    public void A_correction_that_cannot_apply_is_refused(string situation)
    {
        var given = situation switch
        {
            "unknown" => [],
            "settled" => new object[] { Issued(), new PaymentReceived("P1", 1200m, Today, 0m, Now), new InvoiceSettled(Today, Now) },
            _ => [Issued()],
        };
        var due = situation == "due-before-issue" ? new DateOnly(2026, 9, 1) : (DateOnly?)null;
        Spec().Given(given).When(s => InvoiceDecider.Decide(Correct("K1", 1000m, due), s)).ThenThrows<MessageRejectedException>();
    }

    [Fact]
    public void A_cancelled_invoice_is_cancelled_once()
    {
        Spec().Given(Issued()).When(s => InvoiceDecider.Decide(new CancelInvoice("ACME", "F-1", "duplicate", Now), s))
            .Then(new InvoiceCancelled("duplicate", Now));
        Spec().Given(Issued(), new InvoiceCancelled("duplicate", Now))
            .When(s => InvoiceDecider.Decide(new CancelInvoice("ACME", "F-1", "duplicate", Now), s)).Then();
    }

    [Fact]
    public void An_unknown_or_settled_invoice_cannot_be_cancelled()
    {
        Spec().Given().When(s => InvoiceDecider.Decide(new CancelInvoice("ACME", "F-1", "x", Now), s)).ThenThrows<MessageRejectedException>();
        Spec().Given(Issued(), new PaymentReceived("P1", 1200m, Today, 0m, Now), new InvoiceSettled(Today, Now))
            .When(s => InvoiceDecider.Decide(new CancelInvoice("ACME", "F-1", "x", Now), s)).ThenThrows<MessageRejectedException>();
    }

    [Fact]
    public void The_state_follows_the_events()
    {
        var state = new object[]
            {
                Parked(AllocationKind.Payment, "P1", 200m), Issued(), new PaymentReceived("P1", 200m, Today, 1000m, Now),
                new CreditNoteApplied("AV-1", 100m, Today, 900m, Now), new InvoiceCorrected("K1", new(2026, 11, 30), 1000m, 1200m, "x", 900m, Now),
            }
            .Aggregate((InvoiceService.Invoices.Invoice?)null, InvoiceEvolution.Evolve)!;
        Assert.Equal(("ACME/F-1", 900m, InvoiceStatus.Open, new DateOnly(2026, 11, 30)), (state.Id, state.Outstanding, state.Status, state.DueDate!.Value));
        Assert.Empty(state.Parked);
        Assert.Equal(["P1"], state.PaymentIds);
        Assert.Equal(["AV-1"], state.CreditNotes);
    }

    static OpenDispute Contest(string id = "D1") => new("ACME", "F-1", id, "not-received", null, Today, Now);
    static CloseDispute Close(string id = "D1") => new("ACME", "F-1", id, "invoice-resent", null, Today, Now);
    static RecordEInvoicingStatus Platform(string status, string id = "S1", decimal? amount = null) => new("ACME", "F-1", id, status, Today, amount, amount is null ? null : "EUR", null, Now);

    [Fact]
    public void A_dispute_is_opened_once_and_closed_once()
    {
        Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Contest(), s)).Then(new DisputeOpened("D1", "not-received", null, Today, Now));
        Spec().Given(Issued(), new DisputeOpened("D1", "not-received", null, Today, Now)).When(s => InvoiceDecider.Decide(Contest(), s)).Then();
        Spec().Given(Issued(), new DisputeOpened("D1", "not-received", null, Today, Now)).When(s => InvoiceDecider.Decide(Close(), s))
            .Then(new DisputeClosed("D1", "invoice-resent", null, Today, Now));
        Spec().Given(Issued(), new DisputeOpened("D1", "not-received", null, Today, Now), new DisputeClosed("D1", "invoice-resent", null, Today, Now))
            .When(s => InvoiceDecider.Decide(Close(), s)).Then();
    }

    [Fact]
    public void A_dispute_that_cannot_be_is_refused()
    {
        Spec().Given().When(s => InvoiceDecider.Decide(Contest(), s)).ThenThrows<MessageRejectedException>();
        Spec().Given(Issued(), new InvoiceCancelled("x", Now)).When(s => InvoiceDecider.Decide(Contest(), s)).ThenThrows<MessageRejectedException>();
        Assert.Equal("disputeId", Assert.Single(Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Close("D9"), s)).ThenThrows<MessageRejectedException>().Reasons).Field);
    }

    [Fact]
    public void Cashed_on_the_e_invoicing_platform_is_a_payment_of_what_is_owed()
    {
        var recorded = new EInvoicingStatusRecorded("S1", "cashed", Today, null, null, Now);
        Spec().Given(Issued(), new PaymentReceived("P1", 200m, Today, 1000m, Now)).When(s => InvoiceDecider.Decide(Platform("cashed"), s))
            .Then(recorded, new PaymentReceived("einvoicing:S1", 1000m, Today, 0m, Now), new InvoiceSettled(Today, Now));
        Spec().Given(Issued(), recorded).When(s => InvoiceDecider.Decide(Platform("cashed"), s)).Then();
    }

    [Fact]
    public void Cashed_with_an_amount_is_a_payment_of_that_amount() =>
        Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Platform("cashed", amount: 300m), s))
            .Then(new EInvoicingStatusRecorded("S1", "cashed", Today, 300m, null, Now), new PaymentReceived("einvoicing:S1", 300m, Today, 900m, Now));

    [Theory]
    [InlineData("disputed")]
    [InlineData("suspended")]
    [InlineData("refused")]
    public void A_contesting_platform_status_opens_a_dispute(string status) =>
        Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Platform(status), s))
            .Then(new EInvoicingStatusRecorded("S1", status, Today, null, null, Now), new DisputeOpened("einvoicing:S1", $"e-invoicing status {status}", null, Today, Now));

    [Fact]
    public void Approved_on_the_platform_closes_the_disputes_platform_statuses_opened()
    {
        var opened = new DisputeOpened("einvoicing:S1", "e-invoicing status suspended", null, Today, Now);
        var byErp = new DisputeOpened("LIT-1", "quality", null, Today, Now);
        Spec().Given(Issued(), new EInvoicingStatusRecorded("S1", "suspended", Today, null, null, Now), opened, byErp)
            .When(s => InvoiceDecider.Decide(Platform("approved", "S2"), s))
            .Then(new EInvoicingStatusRecorded("S2", "approved", Today, null, null, Now),
                new DisputeClosed("einvoicing:S1", "e-invoicing status approved", null, Today, Now));
    }

    [Fact]
    public void Other_platform_statuses_are_recorded_only()
    {
        Spec().Given(Issued()).When(s => InvoiceDecider.Decide(Platform("mise-à-disposition"), s)).Then(new EInvoicingStatusRecorded("S1", "mise-à-disposition", Today, null, null, Now));
        Spec().Given(Issued(), new InvoiceCancelled("x", Now)).When(s => InvoiceDecider.Decide(Platform("cashed"), s))
            .Then(new EInvoicingStatusRecorded("S1", "cashed", Today, null, null, Now));
    }

    [Theory]
    [InlineData("Encaissée", "cashed")]
    [InlineData("En litige", "disputed")]
    [InlineData("Suspendue", "suspended")]
    [InlineData("Refusée", "refused")]
    [InlineData("Approuvée", "approved")]
    [InlineData("Mise à disposition", "mise-à-disposition")]
    public void Platform_statuses_are_read_in_french_or_english(string given, string normalised) =>
        Assert.Equal(normalised, EInvoicingStatuses.Normalise(given));
}
