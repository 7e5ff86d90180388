using Relance.Contracts.Invoicing;
using Relance.CorrespondenceService.Correspondences.Withdrawing;

namespace Relance.Correspondence.Tests;

/// <summary>What the Invoice service's answer, just before a reminder leaves, means for it.</summary>
[Trait("Category", "Unit")]
public class LastLookTests
{
    static readonly DateTimeOffset CheckedAt = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);

    static InvoicesOwed Answer(params InvoiceOwed[] lines) => new("ACME", lines, CheckedAt);
    static InvoiceOwed Open(string number, decimal outstanding) => new(number, InvoiceOwedStatuses.Open, outstanding);
    static InvoiceOwed Settled(string number) => new(number, InvoiceOwedStatuses.Settled, 0m);
    static InvoiceOwed Cancelled(string number) => new(number, InvoiceOwedStatuses.Cancelled, 0m);
    static InvoiceOwed Unknown(string number) => new(number, InvoiceOwedStatuses.Unknown, 0m);

    [Fact]
    public void Every_invoice_settled_or_cancelled_withdraws_it_and_says_so_with_each_invoice_and_the_time()
    {
        var reason = LastLook.WithdrawalReason(["F-1", "F-2"], Answer(Settled("F-1"), Cancelled("F-2")));

        Assert.NotNull(reason);
        Assert.Contains("F-1 settled, F-2 cancelled", reason);
        Assert.Contains("2026-11-23 09:30:00Z", reason);
        Assert.Contains("Invoice service", reason);
    }

    [Fact]
    public void One_invoice_still_owed_even_partly_lets_it_leave()
    {
        Assert.Null(LastLook.WithdrawalReason(["F-1", "F-2"], Answer(Settled("F-1"), Open("F-2", 0.01m))));
        Assert.Null(LastLook.WithdrawalReason(["F-1"], Answer(Open("F-1", 300m))));
    }

    [Fact]
    public void An_invoice_the_Invoice_service_does_not_know_or_did_not_answer_for_lets_it_leave()
    {
        Assert.Null(LastLook.WithdrawalReason(["F-1", "F-2"], Answer(Settled("F-1"), Unknown("F-2"))));
        Assert.Null(LastLook.WithdrawalReason(["F-1", "F-2"], Answer(Settled("F-1"))));
        Assert.Null(LastLook.WithdrawalReason(["F-1"], Answer()));
    }

    [Fact]
    public void A_reminder_listing_no_invoice_is_never_withdrawn_by_the_last_look() =>
        Assert.Null(LastLook.WithdrawalReason([], Answer(Settled("F-1"))));

    [Fact]
    public void An_answer_repeating_an_invoice_is_read_by_its_first_line()
    {
        Assert.NotNull(LastLook.WithdrawalReason(["F-1"], Answer(Settled("F-1"), Open("F-1", 10m))));
        Assert.Null(LastLook.WithdrawalReason(["F-1"], Answer(Open("F-1", 10m), Settled("F-1"))));
    }

    [Fact]
    public void Lines_for_invoices_it_does_not_list_change_nothing() =>
        Assert.NotNull(LastLook.WithdrawalReason(["F-1"], Answer(Open("F-9", 100m), Settled("F-1"))));
}
