using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Relance.Contracts.Erp;
using Relance.Integration.Tests.Infrastructure;

namespace Relance.Integration.Tests;

/// <summary>The Invoice service against the real broker and database: what an ERP sends, good and bad.</summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ErpInboundTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    RelanceSystem _system = null!;
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public async Task InitializeAsync() =>
        _system = await RelanceSystem.StartAsync(infrastructure, new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), Service.Invoice);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    HttpClient Invoice => _system.Http(Service.Invoice);

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
    };

    async Task<JsonElement[]> EventsOf(string number) =>
        await Eventually.Get(async () =>
        {
            var response = await Invoice.GetAsync($"/invoices/ACME/{number}/events");
            return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<JsonElement[]>();
        }, Wait, $"invoice {number}'s events");

    [Fact]
    public async Task A_valid_invoice_is_stored_as_an_event_attributed_to_the_erp_message()
    {
        await _system.Erp.PublishInvoiceAsync(AnInvoice("F-1"), "erp-msg-1");

        var issued = Assert.Single(await EventsOf("F-1"));
        Assert.Equal("invoice_issued", issued.GetProperty("type").GetString());
        Assert.Equal("erp:ACME", issued.GetProperty("actor").GetString());
        Assert.Equal("erp-msg-1", issued.GetProperty("causationId").GetString());
        Assert.Equal(1200m, issued.GetProperty("data").GetProperty("amountIncludingVat").GetDecimal());
        Assert.False(await _system.Erp.WasRejected("erp-msg-1"));
    }

    [Fact]
    public async Task A_message_without_content_type_is_read_as_json_too()
    {
        await _system.Erp.PublishAsync(ErpTopology.InvoiceIssuedRoutingKey, JsonSerializer.Serialize(AnInvoice("F-2"), JsonSerializerOptions.Web), "erp-msg-2", contentType: null);
        Assert.Single(await EventsOf("F-2"));
    }

    [Fact]
    public async Task A_duplicate_delivery_or_resend_changes_nothing()
    {
        await _system.Erp.PublishInvoiceAsync(AnInvoice("F-3"), "erp-msg-3");
        await _system.Erp.PublishInvoiceAsync(AnInvoice("F-3"), "erp-msg-3");
        await _system.Erp.PublishInvoiceAsync(AnInvoice("F-3"), "erp-msg-3-resent");
        await _system.Erp.PublishInvoiceAsync(AnInvoice("F-3b"), "erp-msg-3b"); // processed after the three above

        await EventsOf("F-3b");
        Assert.Single(await EventsOf("F-3"));
        Assert.False(await _system.Erp.WasRejected("erp-msg-3"));
        Assert.False(await _system.Erp.WasRejected("erp-msg-3-resent"));
    }

    [Fact]
    public async Task A_malformed_message_is_answered_kept_and_the_consumer_goes_on()
    {
        const string body = "{\"companyId\": \"ACME\", \"invoiceNumber\": ";
        await _system.Erp.PublishAsync(ErpTopology.InvoiceIssuedRoutingKey, body, "erp-bad-json");

        var rejection = await _system.Erp.RejectionOf("erp-bad-json");
        var reason = Assert.Single(rejection.GetProperty("reasons").EnumerateArray());
        Assert.Equal("$", reason.GetProperty("field").GetString());
        Assert.Contains("not a valid JSON object", reason.GetProperty("error").GetString());
        Assert.Equal("invoice-erp-invoice-issued_error", rejection.GetProperty("errorQueue").GetString());
        Assert.Contains(body, await _system.Erp.KeptIn("invoice-erp-invoice-issued_error"));

        await _system.Erp.PublishInvoiceAsync(AnInvoice("F-4"), "erp-msg-4");
        Assert.Single(await EventsOf("F-4"));
    }

    [Fact]
    public async Task A_field_of_the_wrong_type_is_named_in_the_answer()
    {
        var body = JsonSerializer.Serialize(AnInvoice("F-5"), JsonSerializerOptions.Web).Replace("\"amountIncludingVat\":1200", "\"amountIncludingVat\":\"douze cents\"");
        await _system.Erp.PublishAsync(ErpTopology.InvoiceIssuedRoutingKey, body, "erp-wrong-type");

        var reason = Assert.Single((await _system.Erp.RejectionOf("erp-wrong-type")).GetProperty("reasons").EnumerateArray());
        Assert.Equal("amountIncludingVat", reason.GetProperty("field").GetString());
        Assert.Contains(body, await _system.Erp.KeptIn("invoice-erp-invoice-issued_error"));
    }

    [Fact]
    public async Task An_invalid_invoice_is_answered_with_every_field_at_fault()
    {
        await _system.Erp.PublishAsync(ErpTopology.InvoiceIssuedRoutingKey,
            """{"companyId":"ACME","invoiceNumber":"F-6","currency":"EURO","amountIncludingVat":-5}""", "erp-invalid");

        var rejection = await _system.Erp.RejectionOf("erp-invalid");
        var fields = rejection.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("field").GetString()).ToList();
        Assert.Equal(["customer.customerId", "customer.name", "customer.email", "issueDate", "dueDate", "amountExcludingVat", "amountIncludingVat", "currency"], fields);
        Assert.Equal("invoice-erp-invoice-issued", rejection.GetProperty("messageKind").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Invoice.GetAsync("/invoices/ACME/F-6")).StatusCode);
    }

    [Fact]
    public async Task A_different_invoice_under_a_number_already_used_is_refused_and_the_first_one_stands()
    {
        await _system.Erp.PublishInvoiceAsync(AnInvoice("F-7"), "erp-msg-7");
        await EventsOf("F-7");
        await _system.Erp.PublishInvoiceAsync(AnInvoice("F-7", amount: 9999m), "erp-msg-7-conflict");

        var reason = Assert.Single((await _system.Erp.RejectionOf("erp-msg-7-conflict")).GetProperty("reasons").EnumerateArray());
        Assert.Equal("invoiceNumber", reason.GetProperty("field").GetString());
        var invoice = await Invoice.GetFromJsonAsync<JsonElement>("/invoices/ACME/F-7");
        Assert.Equal(1200m, invoice.GetProperty("outstanding").GetDecimal());
    }

    [Fact]
    public async Task A_payment_for_an_unknown_invoice_is_refused()
    {
        await _system.Erp.PublishPaymentAsync(new { companyId = "ACME", paymentId = "P-404", invoiceNumber = "F-404", amount = 10, currency = "EUR", receivedOn = "2026-11-02" }, "erp-pay-404");
        var reason = Assert.Single((await _system.Erp.RejectionOf("erp-pay-404")).GetProperty("reasons").EnumerateArray());
        Assert.Contains("no invoice F-404", reason.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Payments_settle_the_invoice_once()
    {
        await _system.Erp.PublishInvoiceAsync(AnInvoice("F-8"), "erp-msg-8");
        await EventsOf("F-8");
        await _system.Erp.PublishPaymentAsync(new { companyId = "ACME", paymentId = "P-1", invoiceNumber = "F-8", amount = 200, currency = "EUR", receivedOn = "2026-11-02" }, "erp-pay-1");
        await _system.Erp.PublishPaymentAsync(new { companyId = "ACME", paymentId = "P-1", invoiceNumber = "F-8", amount = 200, currency = "EUR", receivedOn = "2026-11-02" }, "erp-pay-1");
        await _system.Erp.PublishPaymentAsync(new { companyId = "ACME", paymentId = "P-2", invoiceNumber = "F-8", amount = 1000, currency = "EUR", receivedOn = "2026-11-03" }, "erp-pay-2");

        await Eventually.Until(async () => (await EventsOf("F-8")).Length == 4, Wait, "the two payments and the settlement");
        Assert.Equal(["invoice_issued", "payment_received", "payment_received", "invoice_settled"],
            (await EventsOf("F-8")).Select(e => e.GetProperty("type").GetString()));
        var invoice = await Invoice.GetFromJsonAsync<JsonElement>("/invoices/ACME/F-8");
        Assert.Equal("Settled", invoice.GetProperty("status").GetString());
    }
}
