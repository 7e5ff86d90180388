using Relance.Contracts.Erp;
using InvoiceIssued = Relance.Contracts.Erp.InvoiceIssued;
using PaymentReceived = Relance.Contracts.Erp.PaymentReceived;
using Relance.InvoiceService.Integration.Incoming;
using InvoiceDocument = Relance.InvoiceService.Invoices.InvoiceDocument;
using AllocationKind = Relance.InvoiceService.Invoices.AllocationKind;
using PaymentTerms = Relance.InvoiceService.Invoices.PaymentTerms;
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

    static IReadOnlyList<(string Field, string Error)> Reasons(Action validate) =>
        Assert.Throws<MessageRejectedException>(validate).Reasons;

    static IReadOnlyList<(string Field, string Error)> Reasons(InvoiceIssued message) => Reasons(() => ErpMessageValidation.ToCommand(message, Now));

    [Fact]
    public void A_valid_invoice_becomes_a_command()
    {
        var command = ErpMessageValidation.ToCommand(Valid with
        {
            PaymentTerms = new Relance.Contracts.Erp.PaymentTerms { Days = 45, EndOfMonth = true },
            PaymentClause = "  Paiement à 45 jours fin de mois.  ",
            LatePenaltyRatePercent = 12.5m,
            Documents = [new() { Kind = "Invoice", Name = "F-1.pdf", MediaType = "application/pdf", Url = "https://erp.example/F-1.pdf" }],
        }, Now);
        Assert.Equal(("ACME", "F-1", "C1", 1200m, "EUR", Now), (command.CompanyId, command.InvoiceNumber, command.Customer.CustomerId, command.AmountIncludingVat, command.Currency, command.Now));
        Assert.Equal((new PaymentTerms(45, true), "Paiement à 45 jours fin de mois.", 12.5m), (command.PaymentTerms, command.PaymentClause, command.LatePenaltyRatePercent));
        Assert.Equal(new InvoiceDocument("invoice", "F-1.pdf", "application/pdf", "https://erp.example/F-1.pdf", null), Assert.Single(command.Documents));
    }

    [Fact]
    public void An_empty_message_is_refused_with_every_missing_field()
    {
        var fields = Reasons(new InvoiceIssued()).Select(r => r.Field).ToList();
        Assert.Equal(
            ["companyId", "invoiceNumber", "customer.customerId", "customer.name", "customer.email", "issueDate", "dueDate", "amountExcludingVat", "amountIncludingVat", "currency"],
            fields);
    }

    public static TheoryData<string, string, InvoiceIssued> WrongInvoices => new()
    {
        { "dueDate", "must not be before issueDate", Valid with { DueDate = new(2026, 9, 1) } },
        { "amountIncludingVat", "must not be less than amountExcludingVat", Valid with { AmountIncludingVat = 900m } },
        { "customer.email", "is not an email address", Valid with { Customer = Valid.Customer! with { Email = "compta at dupont" } } },
        { "currency", "is not an ISO 4217 currency code", Valid with { Currency = "EURO" } },
        // Three letters, but no currency: found by the malformed-messages drill, accepted and chased before.
        { "currency", "is not an ISO 4217 currency code", Valid with { Currency = "ZZZ" } },
        { "currency", "is not an ISO 4217 currency code", Valid with { Currency = "XXX" } },
        { "amountExcludingVat", "must have at most two decimals", Valid with { AmountExcludingVat = 10.005m } },
        { "invoiceNumber", "must not contain '/'", Valid with { InvoiceNumber = "2026/F-1" } },
        { "amountIncludingVat", "must be greater than zero", Valid with { AmountIncludingVat = 0m, AmountExcludingVat = 0m } },
        { "paymentTerms.days", "must be between 0 and 365", Valid with { PaymentTerms = new() { Days = 400 } } },
        { "paymentTerms.days", "is required", Valid with { PaymentTerms = new() { EndOfMonth = true } } },
        { "latePenaltyRatePercent", "a yearly rate in percent", Valid with { LatePenaltyRatePercent = 0m } },
        { "paymentClause", "at most 4000 characters", Valid with { PaymentClause = new string('x', 4001) } },
        { "documents[0].kind", "must be one of", Valid with { Documents = [new() { Kind = "photo", Name = "a", MediaType = "image/png", Url = "https://x.example/a" }] } },
        { "documents[0]", "give either url or contentBase64", Valid with { Documents = [new() { Kind = "invoice", Name = "a", MediaType = "application/pdf" }] } },
        { "documents[0].url", "absolute http(s) URL", Valid with { Documents = [new() { Kind = "invoice", Name = "a", MediaType = "application/pdf", Url = "ftp://x/a" }] } },
        { "documents[0].contentBase64", "not valid base64", Valid with { Documents = [new() { Kind = "invoice", Name = "a", MediaType = "application/pdf", ContentBase64 = "not base64!" }] } },
    };

    [Theory]
    [MemberData(nameof(WrongInvoices))]
    public void A_wrong_invoice_field_is_named_with_its_reason(string field, string reason, InvoiceIssued message) =>
        Assert.Contains(Reasons(message), r => r.Field == field && r.Error.Contains(reason));

    [Fact]
    public void A_document_may_come_by_content()
    {
        var pdf = Convert.ToBase64String("%PDF-1.7"u8.ToArray());
        var command = ErpMessageValidation.ToCommand(Valid with { Documents = [new() { Kind = "contract", Name = "c.pdf", MediaType = "application/pdf", ContentBase64 = pdf }] }, Now);
        Assert.Equal(pdf, Assert.Single(command.Documents).ContentBase64);
    }

    [Fact]
    public void A_payment_for_one_invoice_is_one_allocation()
    {
        var (allocations, unallocated) = ErpMessageValidation.ToCommands(
            new PaymentReceived { CompanyId = "ACME", PaymentId = "P1", InvoiceNumber = "F-1", Amount = 10.5m, Currency = "EUR", ReceivedOn = new(2026, 11, 2) }, Now);
        Assert.Null(unallocated);
        var allocation = Assert.Single(allocations);
        Assert.Equal(("F-1", AllocationKind.Payment, "P1", 10.5m, "invoiceNumber"),
            (allocation.InvoiceNumber, allocation.Kind, allocation.Reference, allocation.Amount, allocation.InvoiceNumberField));
    }

    [Fact]
    public void A_payment_may_be_split_over_several_invoices()
    {
        var (allocations, _) = ErpMessageValidation.ToCommands(new PaymentReceived
        {
            CompanyId = "ACME", PaymentId = "P1", Amount = 300m, Currency = "EUR", ReceivedOn = new(2026, 11, 2),
            Allocations = [new() { InvoiceNumber = "F-1", Amount = 100m }, new() { InvoiceNumber = "F-2", Amount = 200m }],
        }, Now);
        Assert.Equal([("F-1", 100m), ("F-2", 200m)], allocations.Select(a => (a.InvoiceNumber, a.Amount)));
        Assert.Equal(["allocations[0].invoiceNumber", "allocations[1].invoiceNumber"], allocations.Select(a => a.InvoiceNumberField));
        Assert.All(allocations, a => Assert.Null(a.CustomerId));
    }

    [Fact]
    public void An_allocated_payment_naming_its_customer_carries_it_to_be_checked()
    {
        var (allocations, _) = ErpMessageValidation.ToCommands(
            new PaymentReceived { CompanyId = "ACME", PaymentId = "P1", CustomerId = " C1 ", InvoiceNumber = "F-1", Amount = 10m, Currency = "EUR", ReceivedOn = new(2026, 11, 2) }, Now);
        Assert.Equal("C1", Assert.Single(allocations).CustomerId);
    }

    [Fact]
    public void A_payment_allocated_to_no_invoice_is_kept_for_the_customer()
    {
        var (allocations, unallocated) = ErpMessageValidation.ToCommands(
            new PaymentReceived { CompanyId = "ACME", PaymentId = "P1", CustomerId = "C1", Amount = 50m, Currency = "EUR", ReceivedOn = new(2026, 11, 2) }, Now);
        Assert.Empty(allocations);
        Assert.Equal(("C1", 50m), (unallocated!.CustomerId, unallocated.Amount));
    }

    public static TheoryData<string, string, PaymentReceived> WrongPayments => new()
    {
        { "amount", "is required", new() { CompanyId = "ACME", PaymentId = "P1", InvoiceNumber = "F-1", Currency = "EUR", ReceivedOn = new(2026, 11, 2) } },
        { "receivedOn", "is required", new() { CompanyId = "ACME", PaymentId = "P1", InvoiceNumber = "F-1", Amount = 1m, Currency = "EUR" } },
        { "customerId", "is required for a payment allocated to no invoice", new() { CompanyId = "ACME", PaymentId = "P1", Amount = 1m, Currency = "EUR", ReceivedOn = new(2026, 11, 2) } },
        { "allocations", "not both", new() { CompanyId = "ACME", PaymentId = "P1", InvoiceNumber = "F-1", Amount = 1m, Currency = "EUR", ReceivedOn = new(2026, 11, 2), Allocations = [new() { InvoiceNumber = "F-2", Amount = 1m }] } },
        { "amount", "the allocations add up to 3", new() { CompanyId = "ACME", PaymentId = "P1", Amount = 5m, Currency = "EUR", ReceivedOn = new(2026, 11, 2), Allocations = [new() { InvoiceNumber = "F-1", Amount = 1m }, new() { InvoiceNumber = "F-2", Amount = 2m }] } },
        { "allocations", "listed more than once", new() { CompanyId = "ACME", PaymentId = "P1", Currency = "EUR", ReceivedOn = new(2026, 11, 2), Allocations = [new() { InvoiceNumber = "F-1", Amount = 1m }, new() { InvoiceNumber = "F-1", Amount = 2m }] } },
        { "allocations[0].amount", "must be greater than zero", new() { CompanyId = "ACME", PaymentId = "P1", Currency = "EUR", ReceivedOn = new(2026, 11, 2), Allocations = [new() { InvoiceNumber = "F-1", Amount = -1m }] } },
    };

    [Theory]
    [MemberData(nameof(WrongPayments))]
    public void A_wrong_payment_field_is_named_with_its_reason(string field, string reason, PaymentReceived message) =>
        Assert.Contains(Reasons(() => ErpMessageValidation.ToCommands(message, Now)), r => r.Field == field && r.Error.Contains(reason));

    [Fact]
    public void A_credit_note_needs_its_allocations()
    {
        var message = new CreditNoteIssued { CompanyId = "ACME", CreditNoteNumber = "AV-1", CustomerId = "C1", IssueDate = new(2026, 11, 2), Currency = "EUR" };
        Assert.Contains(Reasons(() => ErpMessageValidation.ToCommands(message, Now)), r => r.Field == "allocations");
        var allocations = ErpMessageValidation.ToCommands(message with { Allocations = [new() { InvoiceNumber = "F-1", Amount = 120m }] }, Now);
        Assert.Equal(("F-1", AllocationKind.CreditNote, "AV-1", 120m, "C1", "allocations[0].invoiceNumber"),
            (allocations[0].InvoiceNumber, allocations[0].Kind, allocations[0].Reference, allocations[0].Amount, allocations[0].CustomerId, allocations[0].InvoiceNumberField));
    }

    [Fact]
    public void A_correction_and_a_cancellation_need_their_reason()
    {
        Assert.Equal(["correctionId", "dueDate", "amountExcludingVat", "amountIncludingVat", "reason"],
            Reasons(() => ErpMessageValidation.ToCommand(new InvoiceCorrected { CompanyId = "ACME", InvoiceNumber = "F-1" }, Now)).Select(r => r.Field));
        Assert.Equal(["reason"],
            Reasons(() => ErpMessageValidation.ToCommand(new InvoiceCancelled { CompanyId = "ACME", InvoiceNumber = "F-1" }, Now)).Select(r => r.Field));
    }

    [Fact]
    public void A_dispute_names_its_reason_from_the_list()
    {
        var reasons = Reasons(() => ErpMessageValidation.ToCommand(new DisputeOpened { CompanyId = "ACME", InvoiceNumber = "F-1", DisputeId = "D1", Reason = "angry", OpenedOn = new(2026, 11, 2) }, Now));
        Assert.Contains(reasons, r => r.Field == "reason" && r.Error.Contains("not-received"));
        Assert.Equal(["resolution", "closedOn"], Reasons(() => ErpMessageValidation.ToCommand(new DisputeClosed { CompanyId = "ACME", InvoiceNumber = "F-1", DisputeId = "D1" }, Now)).Select(r => r.Field));
    }

    [Fact]
    public void An_e_invoicing_status_with_an_amount_needs_its_currency() =>
        Assert.Equal(["currency"], Reasons(() => ErpMessageValidation.ToCommand(
            new EInvoicingStatusReported { CompanyId = "ACME", InvoiceNumber = "F-1", StatusId = "S1", Status = "Encaissée", StatusDate = new(2026, 11, 2), Amount = 10m }, Now)).Select(r => r.Field));

    static readonly CustomerUpserted ACustomer = new()
    {
        CompanyId = "ACME", CustomerId = "C1", LegalName = "Dupont SARL", Siren = "732 829 320",
        Contacts = [new() { Role = "accounting", Name = "Compta", Email = "compta@dupont.fr" }, new() { Role = "billing", Name = "Factures", Email = "factures@dupont.fr" }],
    };

    [Fact]
    public void A_customer_is_recorded_with_its_reminder_contact()
    {
        var recorded = ErpMessageValidation.ToEvent(ACustomer, Now);
        Assert.Equal(("732829320", "fr", "email", "factures@dupont.fr"), (recorded.Siren, recorded.PreferredLanguage, recorded.PreferredChannel, recorded.ReminderEmail));
        Assert.Equal("compta@dupont.fr", ErpMessageValidation.ToEvent(ACustomer with { Contacts = [ACustomer.Contacts![0]] }, Now).ReminderEmail);
    }

    public static TheoryData<string, CustomerUpserted> WrongCustomers => new()
    {
        { "siren", ACustomer with { Siren = "732829321" } },
        { "legalName", ACustomer with { LegalName = " " } },
        { "contacts[0].role", ACustomer with { Contacts = [new() { Role = "boss", Name = "X" }] } },
        { "contacts[0].email", ACustomer with { Contacts = [new() { Role = "billing", Name = "X", Email = "nope" }] } },
        { "contacts[0].phone", ACustomer with { Contacts = [new() { Role = "billing", Name = "X", Phone = "call me" }] } },
        { "addresses[0].country", ACustomer with { Addresses = [new() { Kind = "billing", Lines = ["1 rue A"], PostalCode = "75001", City = "Paris", Country = "France" }] } },
        { "addresses[0].lines", ACustomer with { Addresses = [new() { Kind = "billing", Lines = [], PostalCode = "75001", City = "Paris", Country = "FR" }] } },
        { "preferredChannel", ACustomer with { PreferredChannel = "fax" } },
        { "dunningHold.until", ACustomer with { DunningHold = new() { Reason = "négociation" } } },
    };

    [Theory]
    [MemberData(nameof(WrongCustomers))]
    public void A_wrong_customer_field_is_named(string field, CustomerUpserted message) =>
        Assert.Contains(Reasons(() => ErpMessageValidation.ToEvent(message, Now)), r => r.Field == field);
}
