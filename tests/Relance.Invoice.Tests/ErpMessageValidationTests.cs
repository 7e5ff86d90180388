using Relance.Contracts.Erp;
using Relance.InvoiceService.Integration.Incoming;
using Relance.ServiceDefaults;

namespace Relance.Invoice.Tests;

[Trait("Category", "Unit")]
public class ErpMessageValidationTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    static readonly InvoiceIssued Valid = new()
    {
        CompanyId = "ACME",
        InvoiceNumber = "F-1",
        Customer = new Customer { CustomerId = "C1", Name = "Dupont SARL", Email = "compta@dupont.fr" },
        IssueDate = new(2026, 10, 1),
        DueDate = new(2026, 10, 31),
        AmountExcludingVat = 1000m,
        AmountIncludingVat = 1200m,
        Currency = "eur",
    };

    static IReadOnlyList<(string Field, string Error)> Reasons(InvoiceIssued message) =>
        Assert.Throws<MessageRejectedException>(() => ErpMessageValidation.ToCommand(message, Now)).Reasons;

    [Fact]
    public void A_valid_invoice_becomes_a_command()
    {
        var command = ErpMessageValidation.ToCommand(Valid, Now);
        Assert.Equal(("ACME", "F-1", "C1", 1200m, "EUR", Now), (command.CompanyId, command.InvoiceNumber, command.Customer.CustomerId, command.AmountIncludingVat, command.Currency, command.Now));
    }

    [Fact]
    public void An_empty_message_is_refused_with_every_missing_field()
    {
        var fields = Reasons(new InvoiceIssued()).Select(r => r.Field).ToList();
        Assert.Equal(
            ["companyId", "invoiceNumber", "customer.customerId", "customer.name", "customer.email", "issueDate", "dueDate", "amountExcludingVat", "amountIncludingVat", "currency"],
            fields);
    }

    [Theory]
    [InlineData("dueDate", "must not be before issueDate")]
    [InlineData("amountIncludingVat", "must not be less than amountExcludingVat")]
    [InlineData("customer.email", "is not an email address")]
    [InlineData("currency", "is not an ISO 4217 currency code")]
    [InlineData("amountExcludingVat", "must have at most two decimals")]
    [InlineData("invoiceNumber", "must not contain '/'")]
    [InlineData("amountIncludingVat", "must be greater than zero")]
    public void A_wrong_field_is_named_with_its_reason(string field, string reason)
    {
        var message = field switch
        {
            "dueDate" => Valid with { DueDate = new(2026, 9, 1) },
            "customer.email" => Valid with { Customer = Valid.Customer! with { Email = "compta at dupont" } },
            "currency" => Valid with { Currency = "EURO" },
            "amountExcludingVat" => Valid with { AmountExcludingVat = 10.005m },
            "invoiceNumber" => Valid with { InvoiceNumber = "2026/F-1" },
            _ when reason.Contains("zero") => Valid with { AmountIncludingVat = 0m, AmountExcludingVat = 0m },
            _ => Valid with { AmountIncludingVat = 900m },
        };
        Assert.Contains(Reasons(message), r => r.Field == field && r.Error.Contains(reason));
    }

    [Fact]
    public void A_valid_payment_becomes_a_command()
    {
        var command = ErpMessageValidation.ToCommand(
            new PaymentReceived { CompanyId = "ACME", PaymentId = "P1", InvoiceNumber = "F-1", Amount = 10.5m, Currency = "EUR", ReceivedOn = new(2026, 11, 2) }, Now);
        Assert.Equal(("P1", 10.5m), (command.PaymentId, command.Amount));
    }

    [Fact]
    public void A_payment_without_amount_nor_date_is_refused()
    {
        var fields = Assert.Throws<MessageRejectedException>(() => ErpMessageValidation.ToCommand(
            new PaymentReceived { CompanyId = "ACME", PaymentId = "P1", InvoiceNumber = "F-1", Currency = "EUR" }, Now)).Reasons.Select(r => r.Field);
        Assert.Equal(["amount", "receivedOn"], fields);
    }
}
