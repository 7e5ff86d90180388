using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Relance.Contracts.Erp;
using Relance.Integration.Tests.Infrastructure;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests;

/// <summary>The Invoice service against the real broker and database: every message an ERP sends, good and bad.</summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ErpInboundTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    RelanceSystem _system = null!;
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public async Task InitializeAsync() =>
        _system = await RelanceSystem.StartAsync(infrastructure, new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), Service.Invoice);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    HttpClient Invoice => _system.AsUser(Service.Invoice, "auditor@relance.test", [RelanceRoles.Auditor]);
    ErpClient Erp => _system.Erp;

    static object AnInvoice(string number, decimal amount = 1200m) => new
    {
        companyId = "ACME",
        invoiceNumber = number,
        customer = new { customerId = "C1", name = "Dupont SARL", email = "compta@dupont.fr" },
        issueDate = "2026-10-01",
        dueDate = "2026-10-31",
        amountExcludingVat = amount / 1.2m,
        amountIncludingVat = amount,
        currency = "EUR",
        paymentTerms = new { days = 30, endOfMonth = false },
        paymentClause = "Paiement à 30 jours date de facture (CGV art. 7).",
        latePenaltyRatePercent = 12,
        documents = new[] { new { kind = "invoice", name = $"{number}.pdf", mediaType = "application/pdf", url = $"https://erp.example/{number}.pdf" } },
    };

    static object APayment(string id, string invoice, decimal amount) =>
        new { companyId = "ACME", paymentId = id, invoiceNumber = invoice, amount, currency = "EUR", receivedOn = "2026-11-02" };

    Task Publish(string routingKey, object message, string messageId) =>
        Erp.PublishAsync(routingKey, JsonSerializer.Serialize(message, JsonSerializerOptions.Web), messageId);

    async Task<string[]> EventTypes(string number) =>
        (await Invoice.GetFromJsonAsync<JsonElement[]>($"/invoices/ACME/{number}/events"))!.Select(e => e.GetProperty("type").GetString()!).ToArray();

    async Task<JsonElement> State(string number) => await Invoice.GetFromJsonAsync<JsonElement>($"/invoices/ACME/{number}");

    static IEnumerable<string?> Fields(JsonElement rejection) =>
        rejection.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("field").GetString());

    [Fact]
    public async Task A_valid_invoice_is_accepted_and_stored_as_an_event_attributed_to_the_erp_message()
    {
        await Erp.PublishInvoiceAsync(AnInvoice("F-1"), "erp-msg-1");

        Assert.Equal("applied", await Erp.OutcomeOf("erp-msg-1"));
        var issued = Assert.Single((await Invoice.GetFromJsonAsync<JsonElement[]>("/invoices/ACME/F-1/events"))!);
        Assert.Equal("invoice_issued", issued.GetProperty("type").GetString());
        Assert.Equal("erp:ACME", issued.GetProperty("actor").GetString());
        Assert.Equal("erp-msg-1", issued.GetProperty("causationId").GetString());
        var data = issued.GetProperty("data");
        Assert.Equal(1200m, data.GetProperty("amountIncludingVat").GetDecimal());
        Assert.Equal(12m, data.GetProperty("latePenaltyRatePercent").GetDecimal());
        Assert.Equal("https://erp.example/F-1.pdf", data.GetProperty("documents")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_message_without_content_type_is_read_as_json_too()
    {
        await Erp.PublishAsync(ErpTopology.InvoiceIssuedRoutingKey, JsonSerializer.Serialize(AnInvoice("F-2"), JsonSerializerOptions.Web), "erp-msg-2", contentType: null);
        Assert.Equal("applied", await Erp.OutcomeOf("erp-msg-2"));
    }

    [Fact]
    public async Task A_message_delivered_twice_or_an_invoice_resent_has_no_second_effect()
    {
        await Erp.PublishInvoiceAsync(AnInvoice("F-3"), "erp-msg-3");
        Assert.Equal("applied", await Erp.OutcomeOf("erp-msg-3"));
        await Erp.PublishInvoiceAsync(AnInvoice("F-3"), "erp-msg-3");
        await Erp.PublishInvoiceAsync(AnInvoice("F-3"), "erp-msg-3-resent");

        var answers = await Erp.AnswersTo("erp-msg-3", atLeast: 2);
        Assert.Equal(["applied", "already-applied"], answers.Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal("already-applied", await Erp.OutcomeOf("erp-msg-3-resent"));
        Assert.Equal(["invoice_issued"], await EventTypes("F-3"));
    }

    [Fact]
    public async Task A_message_id_reused_for_another_message_is_refused()
    {
        await Erp.PublishInvoiceAsync(AnInvoice("F-4"), "erp-msg-4");
        Assert.Equal("applied", await Erp.OutcomeOf("erp-msg-4"));
        await Publish(ErpTopology.PaymentReceivedRoutingKey, APayment("P-4", "F-4", 100m), "erp-msg-4");

        var answers = await Erp.AnswersTo("erp-msg-4", atLeast: 2);
        Assert.Contains("already used", answers[1].GetProperty("reasons")[0].GetProperty("error").GetString());
        Assert.Equal(["invoice_issued"], await EventTypes("F-4"));
    }

    [Fact]
    public async Task A_malformed_message_is_answered_kept_and_the_consumer_goes_on()
    {
        const string body = "{\"companyId\": \"ACME\", \"invoiceNumber\": ";
        await Erp.PublishAsync(ErpTopology.InvoiceIssuedRoutingKey, body, "erp-bad-json");

        var rejection = await Erp.RejectionOf("erp-bad-json");
        var reason = Assert.Single(rejection.GetProperty("reasons").EnumerateArray());
        Assert.Equal("$", reason.GetProperty("field").GetString());
        Assert.Contains("not a valid JSON object", reason.GetProperty("error").GetString());
        Assert.Equal("invoice.issued", rejection.GetProperty("messageKind").GetString());
        Assert.Equal("invoice-erp-invoice-issued_error", rejection.GetProperty("errorQueue").GetString());
        Assert.Contains(body, await Erp.KeptIn("invoice-erp-invoice-issued_error"));

        await Erp.PublishInvoiceAsync(AnInvoice("F-5"), "erp-msg-5");
        Assert.Equal("applied", await Erp.OutcomeOf("erp-msg-5"));
    }

    [Fact]
    public async Task A_field_of_the_wrong_type_is_named_in_the_answer()
    {
        var body = JsonSerializer.Serialize(AnInvoice("F-6"), JsonSerializerOptions.Web).Replace("\"amountIncludingVat\":1200", "\"amountIncludingVat\":\"douze cents\"");
        await Erp.PublishAsync(ErpTopology.InvoiceIssuedRoutingKey, body, "erp-wrong-type");

        Assert.Equal(["amountIncludingVat"], Fields(await Erp.RejectionOf("erp-wrong-type")));
        Assert.Contains(body, await Erp.KeptIn("invoice-erp-invoice-issued_error"));
    }

    [Fact]
    public async Task An_invalid_message_of_each_kind_is_answered_with_every_field_at_fault()
    {
        await Erp.PublishAsync(ErpTopology.InvoiceIssuedRoutingKey, """{"companyId":"ACME","invoiceNumber":"F-7","currency":"EURO","amountIncludingVat":-5}""", "bad-invoice");
        await Erp.PublishAsync(ErpTopology.InvoiceCorrectedRoutingKey, """{"companyId":"ACME","invoiceNumber":"F-7"}""", "bad-correction");
        await Erp.PublishAsync(ErpTopology.InvoiceCancelledRoutingKey, """{"companyId":"ACME"}""", "bad-cancellation");
        await Erp.PublishAsync(ErpTopology.CreditNoteIssuedRoutingKey, """{"companyId":"ACME","creditNoteNumber":"AV-1","customerId":"C1","issueDate":"2026-11-02","currency":"EUR","allocations":[]}""", "bad-credit-note");
        await Erp.PublishAsync(ErpTopology.PaymentReceivedRoutingKey, """{"companyId":"ACME","paymentId":"P-7","currency":"EUR","receivedOn":"2026-11-02","amount":10}""", "bad-payment");

        Assert.Equal(["customer.customerId", "customer.name", "customer.email", "issueDate", "dueDate", "amountExcludingVat", "amountIncludingVat", "currency"],
            Fields(await Erp.RejectionOf("bad-invoice")));
        Assert.Equal(["correctionId", "dueDate", "amountExcludingVat", "amountIncludingVat", "reason"], Fields(await Erp.RejectionOf("bad-correction")));
        Assert.Equal(["invoiceNumber", "reason"], Fields(await Erp.RejectionOf("bad-cancellation")));
        Assert.Equal(["allocations"], Fields(await Erp.RejectionOf("bad-credit-note")));
        Assert.Equal(["customerId"], Fields(await Erp.RejectionOf("bad-payment")));
        Assert.Equal("credit-note.issued", (await Erp.RejectionOf("bad-credit-note")).GetProperty("messageKind").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Invoice.GetAsync("/invoices/ACME/F-7")).StatusCode);
    }

    [Fact]
    public async Task A_different_invoice_under_a_number_already_used_is_refused_and_the_first_one_stands()
    {
        await Erp.PublishInvoiceAsync(AnInvoice("F-8"), "erp-msg-8");
        Assert.Equal("applied", await Erp.OutcomeOf("erp-msg-8"));
        await Erp.PublishInvoiceAsync(AnInvoice("F-8", amount: 9999m), "erp-msg-8-conflict");

        Assert.Equal(["invoiceNumber"], Fields(await Erp.RejectionOf("erp-msg-8-conflict")));
        Assert.Equal(1200m, (await State("F-8")).GetProperty("outstanding").GetDecimal());
    }

    [Fact]
    public async Task Payments_and_credit_notes_lower_what_is_owed_and_settle_the_invoice_once()
    {
        await Erp.PublishInvoiceAsync(AnInvoice("F-9"), "m-9");
        await Erp.PublishInvoiceAsync(AnInvoice("F-10", 300m), "m-10");
        Assert.Equal("applied", await Erp.OutcomeOf("m-10"));
        await Publish(ErpTopology.PaymentReceivedRoutingKey, APayment("P-1", "F-9", 200m), "m-pay-1");
        Assert.Equal("applied", await Erp.OutcomeOf("m-pay-1"));
        await Publish(ErpTopology.PaymentReceivedRoutingKey, APayment("P-1", "F-9", 200m), "m-pay-1-again");
        await Publish(ErpTopology.CreditNoteIssuedRoutingKey, new
        {
            companyId = "ACME", creditNoteNumber = "AV-9", customerId = "C1", issueDate = "2026-11-03", currency = "EUR",
            allocations = new[] { new { invoiceNumber = "F-9", amount = 100m }, new { invoiceNumber = "F-10", amount = 50m } },
        }, "m-credit");
        Assert.Equal("applied", await Erp.OutcomeOf("m-credit"));
        await Publish(ErpTopology.PaymentReceivedRoutingKey, new
        {
            companyId = "ACME", paymentId = "P-2", amount = 1150m, currency = "EUR", receivedOn = "2026-11-04",
            allocations = new[] { new { invoiceNumber = "F-9", amount = 900m }, new { invoiceNumber = "F-10", amount = 250m } },
        }, "m-pay-2");

        Assert.Equal("applied", await Erp.OutcomeOf("m-pay-2"));
        Assert.Equal("already-applied", await Erp.OutcomeOf("m-pay-1-again"));
        Assert.Equal(["invoice_issued", "payment_received", "credit_note_applied", "payment_received", "invoice_settled"], await EventTypes("F-9"));
        Assert.Equal(["invoice_issued", "credit_note_applied", "payment_received", "invoice_settled"], await EventTypes("F-10"));
        Assert.Equal(("Settled", 0m), ((await State("F-9")).GetProperty("status").GetString(), (await State("F-9")).GetProperty("outstanding").GetDecimal()));
    }

    [Fact]
    public async Task A_payment_or_credit_note_that_comes_before_its_invoice_is_kept_and_applied_when_it_comes()
    {
        // Each kind has its own queue: wait for each answer so that the order below is the order they came in.
        await Publish(ErpTopology.PaymentReceivedRoutingKey, APayment("P-11", "F-11", 200m), "m-early-pay");
        Assert.Equal("applied", await Erp.OutcomeOf("m-early-pay"));
        await Publish(ErpTopology.CreditNoteIssuedRoutingKey, new
        {
            companyId = "ACME", creditNoteNumber = "AV-11", customerId = "C1", issueDate = "2026-11-02", currency = "EUR",
            allocations = new[] { new { invoiceNumber = "F-11", amount = 100m } },
        }, "m-early-credit");
        Assert.Equal("applied", await Erp.OutcomeOf("m-early-credit"));
        Assert.Equal("Awaiting", (await State("F-11")).GetProperty("status").GetString());

        await Erp.PublishInvoiceAsync(AnInvoice("F-11"), "m-11");
        Assert.Equal("applied", await Erp.OutcomeOf("m-11"));
        Assert.Equal(["allocation_parked", "allocation_parked", "invoice_issued", "payment_received", "credit_note_applied"], await EventTypes("F-11"));
        Assert.Equal(900m, (await State("F-11")).GetProperty("outstanding").GetDecimal());
    }

    [Fact]
    public async Task A_correction_changes_what_is_owed_and_a_cancellation_ends_it()
    {
        await Erp.PublishInvoiceAsync(AnInvoice("F-12"), "m-12");
        Assert.Equal("applied", await Erp.OutcomeOf("m-12"));
        var correction = new { companyId = "ACME", invoiceNumber = "F-12", correctionId = "K-1", dueDate = "2026-11-30", amountExcludingVat = 500m, amountIncludingVat = 600m, reason = "remise accordée" };
        await Publish(ErpTopology.InvoiceCorrectedRoutingKey, correction, "m-correct");
        Assert.Equal("applied", await Erp.OutcomeOf("m-correct"));
        await Publish(ErpTopology.InvoiceCorrectedRoutingKey, correction, "m-correct-again");
        Assert.Equal("already-applied", await Erp.OutcomeOf("m-correct-again"));
        var corrected = await State("F-12");
        Assert.Equal((600m, "2026-11-30"), (corrected.GetProperty("outstanding").GetDecimal(), corrected.GetProperty("dueDate").GetString()));

        await Publish(ErpTopology.InvoiceCancelledRoutingKey, new { companyId = "ACME", invoiceNumber = "F-12", reason = "facture émise en double" }, "m-cancel");
        Assert.Equal("applied", await Erp.OutcomeOf("m-cancel"));
        await Publish(ErpTopology.InvoiceCorrectedRoutingKey, correction with { correctionId = "K-2" }, "m-correct-cancelled");
        Assert.Contains("can no longer be corrected", (await Erp.RejectionOf("m-correct-cancelled")).GetProperty("reasons")[0].GetProperty("error").GetString());
        Assert.Equal("Cancelled", (await State("F-12")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_correction_resent_under_its_id_with_other_content_is_refused_and_the_first_one_stands()
    {
        await Erp.PublishInvoiceAsync(AnInvoice("F-16"), "m-16");
        Assert.Equal("applied", await Erp.OutcomeOf("m-16"));
        var correction = new { companyId = "ACME", invoiceNumber = "F-16", correctionId = "K-16", dueDate = "2026-11-30", amountExcludingVat = 500m, amountIncludingVat = 600m, reason = "remise accordée" };
        await Publish(ErpTopology.InvoiceCorrectedRoutingKey, correction, "m-correct-16");
        Assert.Equal("applied", await Erp.OutcomeOf("m-correct-16"));
        await Publish(ErpTopology.InvoiceCorrectedRoutingKey, correction with { amountExcludingVat = 400m, amountIncludingVat = 480m }, "m-correct-16-conflict");

        var rejection = await Erp.RejectionOf("m-correct-16-conflict");
        Assert.Equal(["correctionId"], Fields(rejection));
        Assert.Contains("amountIncludingVat 600 (not 480)", rejection.GetProperty("reasons")[0].GetProperty("error").GetString());
        Assert.Equal(["invoice_issued", "invoice_corrected"], await EventTypes("F-16"));
        Assert.Equal(600m, (await State("F-16")).GetProperty("outstanding").GetDecimal());
    }

    [Fact]
    public async Task Payments_and_credit_notes_on_a_cancelled_invoice_are_refused_but_a_repeat_of_an_earlier_payment_is_not()
    {
        await Erp.PublishInvoiceAsync(AnInvoice("F-17"), "m-17");
        await Erp.PublishInvoiceAsync(AnInvoice("F-18"), "m-18");
        Assert.Equal("applied", await Erp.OutcomeOf("m-17"));
        Assert.Equal("applied", await Erp.OutcomeOf("m-18"));
        await Publish(ErpTopology.PaymentReceivedRoutingKey, APayment("P-17", "F-17", 200m), "m-pay-17");
        Assert.Equal("applied", await Erp.OutcomeOf("m-pay-17"));
        await Publish(ErpTopology.InvoiceCancelledRoutingKey, new { companyId = "ACME", invoiceNumber = "F-17", reason = "facture émise en double" }, "m-cancel-17");
        Assert.Equal("applied", await Erp.OutcomeOf("m-cancel-17"));

        await Publish(ErpTopology.PaymentReceivedRoutingKey, APayment("P-17", "F-17", 200m), "m-pay-17-again");
        await Publish(ErpTopology.PaymentReceivedRoutingKey, APayment("P-17b", "F-17", 300m), "m-pay-17b");
        await Publish(ErpTopology.PaymentReceivedRoutingKey, new
        {
            companyId = "ACME", paymentId = "P-18", currency = "EUR", receivedOn = "2026-11-03",
            allocations = new[] { new { invoiceNumber = "F-18", amount = 100m }, new { invoiceNumber = "F-17", amount = 100m } },
        }, "m-pay-split");
        await Publish(ErpTopology.CreditNoteIssuedRoutingKey, new
        {
            companyId = "ACME", creditNoteNumber = "AV-17", customerId = "C1", issueDate = "2026-11-03", currency = "EUR",
            allocations = new[] { new { invoiceNumber = "F-17", amount = 100m } },
        }, "m-credit-17");

        Assert.Equal("already-applied", await Erp.OutcomeOf("m-pay-17-again"));
        var rejection = await Erp.RejectionOf("m-pay-17b");
        Assert.Equal(["invoiceNumber"], Fields(rejection));
        Assert.Contains("invoice F-17 is cancelled", rejection.GetProperty("reasons")[0].GetProperty("error").GetString());
        Assert.Equal(["allocations[1].invoiceNumber"], Fields(await Erp.RejectionOf("m-pay-split")));
        Assert.Equal(["allocations[0].invoiceNumber"], Fields(await Erp.RejectionOf("m-credit-17")));
        Assert.Equal(["invoice_issued", "payment_received", "invoice_cancelled"], await EventTypes("F-17"));
        Assert.Equal(["invoice_issued"], await EventTypes("F-18"));
    }

    [Fact]
    public async Task A_credit_note_or_payment_naming_another_customer_than_the_invoice_s_is_refused()
    {
        await Erp.PublishInvoiceAsync(AnInvoice("F-19"), "m-19");
        await Erp.PublishInvoiceAsync(AnInvoice("F-20"), "m-20");
        Assert.Equal("applied", await Erp.OutcomeOf("m-19"));
        Assert.Equal("applied", await Erp.OutcomeOf("m-20"));
        await Publish(ErpTopology.CreditNoteIssuedRoutingKey, new
        {
            companyId = "ACME", creditNoteNumber = "AV-19", customerId = "C2", issueDate = "2026-11-03", currency = "EUR",
            allocations = new[] { new { invoiceNumber = "F-19", amount = 100m }, new { invoiceNumber = "F-20", amount = 100m } },
        }, "m-credit-19");
        await Publish(ErpTopology.PaymentReceivedRoutingKey,
            new { companyId = "ACME", paymentId = "P-19", customerId = "C2", invoiceNumber = "F-19", amount = 100m, currency = "EUR", receivedOn = "2026-11-03" }, "m-pay-19");
        // Before its invoice, the customer cannot be checked yet: it is when the invoice comes, in the invoice's history.
        await Publish(ErpTopology.CreditNoteIssuedRoutingKey, new
        {
            companyId = "ACME", creditNoteNumber = "AV-21", customerId = "C2", issueDate = "2026-11-03", currency = "EUR",
            allocations = new[] { new { invoiceNumber = "F-21", amount = 100m } },
        }, "m-credit-21");
        Assert.Equal("applied", await Erp.OutcomeOf("m-credit-21"));
        await Erp.PublishInvoiceAsync(AnInvoice("F-21"), "m-21");
        Assert.Equal("applied", await Erp.OutcomeOf("m-21"));

        var rejection = await Erp.RejectionOf("m-credit-19");
        Assert.Equal(["customerId", "customerId"], Fields(rejection));
        Assert.Equal("invoice F-20 was issued to customer C1, not C2", rejection.GetProperty("reasons")[1].GetProperty("error").GetString());
        Assert.Equal(["customerId"], Fields(await Erp.RejectionOf("m-pay-19")));
        Assert.Equal(["invoice_issued"], await EventTypes("F-19"));
        Assert.Equal(["allocation_parked", "invoice_issued", "parked_allocation_refused"], await EventTypes("F-21"));
        Assert.Equal(1200m, (await State("F-21")).GetProperty("outstanding").GetDecimal());
    }

    [Fact]
    public async Task A_payment_allocated_to_no_invoice_is_accepted_and_kept()
    {
        await Publish(ErpTopology.PaymentReceivedRoutingKey,
            new { companyId = "ACME", paymentId = "P-13", customerId = "C1", amount = 75m, currency = "EUR", receivedOn = "2026-11-02" }, "m-unallocated");
        Assert.Equal("applied", await Erp.OutcomeOf("m-unallocated"));
        // Sent again under another id once the first was answered: the payment id makes it a repeat.
        await Publish(ErpTopology.PaymentReceivedRoutingKey,
            new { companyId = "ACME", paymentId = "P-13", customerId = "C1", amount = 75m, currency = "EUR", receivedOn = "2026-11-02" }, "m-unallocated-again");
        Assert.Equal("already-applied", await Erp.OutcomeOf("m-unallocated-again"));
    }

    [Fact]
    public async Task Disputes_and_e_invoicing_statuses_are_recorded_and_acted_on()
    {
        await Erp.PublishInvoiceAsync(AnInvoice("F-14"), "m-14");
        Assert.Equal("applied", await Erp.OutcomeOf("m-14"));
        await Publish(ErpTopology.DisputeOpenedRoutingKey, new { companyId = "ACME", invoiceNumber = "F-14", disputeId = "LIT-1", reason = "not-received", openedOn = "2026-11-02" }, "m-dispute");
        Assert.Equal("applied", await Erp.OutcomeOf("m-dispute"));
        await Publish(ErpTopology.DisputeClosedRoutingKey, new { companyId = "ACME", invoiceNumber = "F-14", disputeId = "LIT-1", resolution = "invoice-resent", closedOn = "2026-11-03" }, "m-dispute-closed");
        Assert.Equal("applied", await Erp.OutcomeOf("m-dispute-closed"));
        await Publish(ErpTopology.EInvoicingStatusRoutingKey, new { companyId = "ACME", invoiceNumber = "F-14", statusId = "PDP-1", status = "Encaissée", statusDate = "2026-11-04" }, "m-cashed");
        Assert.Equal("applied", await Erp.OutcomeOf("m-cashed"));
        await Publish(ErpTopology.DisputeOpenedRoutingKey, new { companyId = "ACME", invoiceNumber = "F-14", disputeId = "LIT-2", reason = "angry", openedOn = "2026-11-05" }, "m-bad-dispute");
        Assert.Equal(["reason"], Fields(await Erp.RejectionOf("m-bad-dispute")));

        Assert.Equal(["invoice_issued", "dispute_opened", "dispute_closed", "e_invoicing_status_recorded", "payment_received", "invoice_settled"], await EventTypes("F-14"));
    }

    // Every rule of ErpMessageValidation and of the deciders, as an ERP would break it: routing key, body, the field named.
    static readonly (string Kind, string Body, string Field)[] Faults =
    [
        ("invoice.issued", """{"invoiceNumber":"F-r1"}""", "companyId"),
        ("invoice.issued", """{"companyId":"AC/ME","invoiceNumber":"F-r2"}""", "companyId"),
        ("invoice.issued", """{"companyId":"ACME","invoiceNumber":"F-r3","customer":{"customerId":"C1","name":"D","email":"nope"},"issueDate":"2026-10-01","dueDate":"2026-10-31","amountExcludingVat":1,"amountIncludingVat":1.2,"currency":"EUR"}""", "customer.email"),
        ("invoice.issued", """{"companyId":"ACME","invoiceNumber":"F-r4","customer":{"customerId":"C1","name":"D","email":"a@b.fr"},"issueDate":"2026-10-01","dueDate":"2026-09-30","amountExcludingVat":1,"amountIncludingVat":1.2,"currency":"EUR"}""", "dueDate"),
        ("invoice.issued", """{"companyId":"ACME","invoiceNumber":"F-r5","customer":{"customerId":"C1","name":"D","email":"a@b.fr"},"issueDate":"2026-10-01","dueDate":"2026-10-31","amountExcludingVat":2,"amountIncludingVat":1.2,"currency":"EUR"}""", "amountIncludingVat"),
        ("invoice.issued", """{"companyId":"ACME","invoiceNumber":"F-r6","customer":{"customerId":"C1","name":"D","email":"a@b.fr"},"issueDate":"2026-10-01","dueDate":"2026-10-31","amountExcludingVat":1.001,"amountIncludingVat":1.2,"currency":"EUR"}""", "amountExcludingVat"),
        ("invoice.issued", """{"companyId":"ACME","invoiceNumber":"F-r7","customer":{"customerId":"C1","name":"D","email":"a@b.fr"},"issueDate":"2026-10-01","dueDate":"2026-10-31","amountExcludingVat":1,"amountIncludingVat":1.2,"currency":"E1R"}""", "currency"),
        ("invoice.issued", """{"companyId":"ACME","invoiceNumber":"F-r8","customer":{"customerId":"C1","name":"D","email":"a@b.fr"},"issueDate":"2026-10-01","dueDate":"2026-10-31","amountExcludingVat":1,"amountIncludingVat":1.2,"currency":"EUR","paymentTerms":{"days":400}}""", "paymentTerms.days"),
        ("invoice.issued", """{"companyId":"ACME","invoiceNumber":"F-r9","customer":{"customerId":"C1","name":"D","email":"a@b.fr"},"issueDate":"2026-10-01","dueDate":"2026-10-31","amountExcludingVat":1,"amountIncludingVat":1.2,"currency":"EUR","latePenaltyRatePercent":200}""", "latePenaltyRatePercent"),
        ("invoice.issued", """{"companyId":"ACME","invoiceNumber":"F-r10","customer":{"customerId":"C1","name":"D","email":"a@b.fr"},"issueDate":"2026-10-01","dueDate":"2026-10-31","amountExcludingVat":1,"amountIncludingVat":1.2,"currency":"EUR","documents":[{"kind":"photo","name":"a","mediaType":"image/png","url":"https://x.example/a"}]}""", "documents[0].kind"),
        ("invoice.issued", """{"companyId":"ACME","invoiceNumber":"F-r11","customer":{"customerId":"C1","name":"D","email":"a@b.fr"},"issueDate":"2026-10-01","dueDate":"2026-10-31","amountExcludingVat":1,"amountIncludingVat":1.2,"currency":"EUR","documents":[{"kind":"invoice","name":"a","mediaType":"application/pdf","contentBase64":"%%%"}]}""", "documents[0].contentBase64"),
        ("invoice.corrected", """{"companyId":"ACME","invoiceNumber":"F-unknown","correctionId":"K1","dueDate":"2026-11-30","amountExcludingVat":1,"amountIncludingVat":1.2,"reason":"x"}""", "invoiceNumber"),
        ("invoice.cancelled", """{"companyId":"ACME","invoiceNumber":"F-unknown","reason":"x"}""", "invoiceNumber"),
        ("credit-note.issued", """{"companyId":"ACME","creditNoteNumber":"AV-r","customerId":"C1","issueDate":"2026-11-02","currency":"EUR","allocations":[{"invoiceNumber":"F-1","amount":1},{"invoiceNumber":"F-1","amount":2}]}""", "allocations"),
        ("payment.received", """{"companyId":"ACME","paymentId":"P-r1","invoiceNumber":"F-1","amount":1,"currency":"EUR","receivedOn":"2026-11-02","allocations":[{"invoiceNumber":"F-2","amount":1}]}""", "allocations"),
        ("payment.received", """{"companyId":"ACME","paymentId":"P-r2","amount":5,"currency":"EUR","receivedOn":"2026-11-02","allocations":[{"invoiceNumber":"F-1","amount":1}]}""", "amount"),
        ("dispute.opened", """{"companyId":"ACME","invoiceNumber":"F-1","disputeId":"D-r","reason":"angry","openedOn":"2026-11-02"}""", "reason"),
        ("dispute.closed", """{"companyId":"ACME","invoiceNumber":"F-1","disputeId":"D-r","resolution":"forgotten","closedOn":"2026-11-02"}""", "resolution"),
        ("einvoicing.status", """{"companyId":"ACME","invoiceNumber":"F-1","statusId":"S-r","status":"cashed","statusDate":"2026-11-02","amount":10}""", "currency"),
        ("customer.upserted", """{"companyId":"ACME","customerId":"C-r","legalName":"Dupont","siren":"123456789"}""", "siren"),
        ("customer.upserted", """{"companyId":"ACME","customerId":"C-r","legalName":"Dupont","contacts":[{"role":"boss","name":"X"}]}""", "contacts[0].role"),
        ("customer.upserted", """{"companyId":"ACME","customerId":"C-r","legalName":"Dupont","addresses":[{"kind":"billing","lines":["1 rue A"],"postalCode":"75001","city":"Paris","country":"France"}]}""", "addresses[0].country"),
        ("customer.upserted", """{"companyId":"ACME","customerId":"C-r","legalName":"Dupont","dunningHold":{"reason":"x"}}""", "dunningHold.until"),
    ];

    [Fact]
    public async Task Every_kind_of_fault_is_answered_with_the_field_at_fault_and_kept()
    {
        for (var i = 0; i < Faults.Length; i++) await Erp.PublishAsync(Faults[i].Kind, Faults[i].Body, $"fault-{i}");

        for (var i = 0; i < Faults.Length; i++)
        {
            var rejection = await Erp.RejectionOf($"fault-{i}");
            Assert.True(Fields(rejection).Contains(Faults[i].Field), $"{Faults[i].Kind} {Faults[i].Body}: expected {Faults[i].Field}, answered {rejection}");
            Assert.Equal(Faults[i].Kind, rejection.GetProperty("messageKind").GetString());
        }
        foreach (var kind in Faults.Select(f => f.Kind).Distinct())
        {
            var kept = await Erp.KeptIn(ErpTopology.Inbound.Single(i => i.RoutingKey == kind).ErrorQueue);
            Assert.All(Faults.Where(f => f.Kind == kind), f => Assert.Contains(f.Body, kept));
        }
    }

    [Fact]
    public async Task Two_companies_may_number_their_messages_alike()
    {
        await Erp.PublishInvoiceAsync(AnInvoice("F-15"), "erp-1");
        Assert.Equal("applied", await Erp.OutcomeOf("erp-1"));
        var other = JsonSerializer.Serialize(AnInvoice("F-15"), JsonSerializerOptions.Web).Replace("\"companyId\":\"ACME\"", "\"companyId\":\"BATIPRO\"");
        await Erp.PublishAsync(ErpTopology.InvoiceIssuedRoutingKey, other, "erp-1");
        var answers = await Erp.AnswersTo("erp-1", atLeast: 2);
        Assert.Equal("applied", answers[1].GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Invoice.GetAsync("/invoices/BATIPRO/F-15")).StatusCode);
    }
}
