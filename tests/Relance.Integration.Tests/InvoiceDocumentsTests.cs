using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Relance.Integration.Tests.Infrastructure;
using Relance.ReminderService.DunningCases.TakingDueActions;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests;

/// <summary>
/// The documents an ERP sends with an invoice, through the three services to the debtor's mailbox: one by content,
/// one by URL from a document server that first fails then is slow, one whose URL is gone. The reminder waits for
/// the slow one, leaves without the gone one, and says so in its proof.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class InvoiceDocumentsTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    static readonly DateTimeOffset Start = new(2026, 10, 20, 6, 0, 0, TimeSpan.Zero);
    static readonly DateTimeOffset FirstReminderAt = new(2026, 10, 21, 7, 0, 0, TimeSpan.Zero);

    static readonly byte[] InvoicePdf = [.. "%PDF-1.7\n"u8, .. RandomNumberGenerator.GetBytes(200_000)];
    static readonly byte[] BankDetails = Encoding.UTF8.GetBytes("Relevé d'identité bancaire ACME SAS\r\nIBAN FR76 3000 6000 0112 3456 7890 189\r\nBIC AGRIFRPP\r\n");

    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    readonly TaskCompletionSource _releaseBankDetails = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int _bankDetailsRequests;
    RelanceSystem _system = null!;
    MailCapture _mail = null!;
    WebApplication _documentServer = null!;
    string _documents = null!;

    public async Task InitializeAsync()
    {
        // The ERP's document server: the bank details fail once (503), then come only when the test lets them.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _documentServer = builder.Build();
        _documentServer.MapGet("/documents/rib.txt", async context =>
        {
            if (Interlocked.Increment(ref _bankDetailsRequests) == 1) { context.Response.StatusCode = 503; return; }
            await _releaseBankDetails.Task;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.Body.WriteAsync(BankDetails);
        });
        await _documentServer.StartAsync();
        _documents = _documentServer.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        _system = await RelanceSystem.StartAsync(infrastructure, Start, Service.Invoice, Service.Reminder, Service.Correspondence);
        _mail = new MailCapture(infrastructure.SmtpCapture);
    }

    public async Task DisposeAsync()
    {
        _releaseBankDetails.TrySetResult();
        await _system.DisposeAsync();
        await _documentServer.DisposeAsync();
    }

    HttpClient Api(Service service) => _system.AsUser(service, "auditor@relance.test", [RelanceRoles.Auditor]);
    string Customer => $"C-{_run}";
    string Email => $"compta.{_run}@dupont.test";
    string CasePath => $"/cases/ACME/{Customer}/EUR";

    static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    async Task<JsonElement[]> Events(Service service, string path) => (await Api(service).GetFromJsonAsync<JsonElement[]>(path))!;

    [Fact]
    public async Task The_reminder_email_carries_the_invoice_documents_byte_for_byte_waits_for_one_being_fetched_and_names_the_one_gone()
    {
        var number = $"F-{_run}";
        await _system.Erp.PublishInvoiceAsync(new
        {
            companyId = "ACME",
            invoiceNumber = number,
            customer = new { customerId = Customer, name = "Dupont SARL", email = Email },
            issueDate = "2026-10-01",
            dueDate = "2026-10-31",
            amountExcludingVat = 1000m,
            amountIncludingVat = 1200m,
            currency = "EUR",
            documents = new object[]
            {
                new { kind = "invoice", name = $"Facture {number}.pdf", mediaType = "application/pdf", contentBase64 = Convert.ToBase64String(InvoicePdf) },
                new { kind = "bank-details", name = "RIB ACME SAS.txt", mediaType = "text/plain; charset=utf-8", url = $"{_documents}/documents/rib.txt" },
                new { kind = "purchase-order", name = "Bon de commande.pdf", mediaType = "application/pdf", url = $"{_documents}/documents/gone.pdf" },
            },
        }, $"erp-{_run}");
        await Eventually.Until(async () => (await Api(Service.Reminder).GetAsync(CasePath)).IsSuccessStatusCode, Wait, "the dunning case");

        // The reminder falls due while the bank details are still being fetched (the server failed once, then hangs).
        await Eventually.Until(() => Task.FromResult(Volatile.Read(ref _bankDetailsRequests) >= 2), Wait, "the second try at the bank details");
        _system.Clock.SetUtcNow(FirstReminderAt);
        await _system.Services(Service.Reminder).GetRequiredService<ReminderScheduler>().RunOnceAsync(CancellationToken.None);
        var requested = await Eventually.Get(async () => (await Events(Service.Reminder, $"{CasePath}/events"))
            .Where(e => e.GetProperty("type").GetString() == "reminder_requested").ToArray() is [var r] ? (object)r : null, Wait, "the reminder requested");
        var reminderId = ((JsonElement)requested).GetProperty("data").GetProperty("reminderId").GetGuid();
        await Eventually.Until(async () => (await Api(Service.Correspondence).GetAsync($"/correspondences/{reminderId}")).IsSuccessStatusCode, Wait, "the correspondence requested");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(await _mail.To(Email));
        Assert.Equal(["correspondence_requested"], (await Events(Service.Correspondence, $"/correspondences/{reminderId}/events")).Select(e => e.GetProperty("type").GetString()));

        // The bank details come: the email leaves with them.
        _releaseBankDetails.SetResult();
        var mail = await Eventually.Get(async () => (await _mail.To(Email)).SingleOrDefault(), Wait, "the reminder email");
        var source = await _mail.Source(mail);
        var message = await MimeMessage.LoadAsync(new MemoryStream(source));

        Assert.Contains($"Facture {number} du 01/10/2026, échéance le 31/10/2026", message.TextBody);
        Assert.Contains(number, message.HtmlBody);
        var attachments = message.Attachments.Cast<MimePart>().ToList();
        Assert.Equal([$"Facture {number}.pdf", "RIB ACME SAS.txt"], attachments.Select(a => a.FileName));
        Assert.Equal(["application/pdf", "text/plain"], attachments.Select(a => a.ContentType.MimeType));
        Assert.Equal([Sha256(InvoicePdf), Sha256(BankDetails)], attachments.Select(a => Sha256(Decoded(a))));

        // The proof: the stored bytes are those received, and the rendering names what went and what did not.
        var events = await Events(Service.Correspondence, $"/correspondences/{reminderId}/events");
        var rendered = events.Single(e => e.GetProperty("type").GetString() == "correspondence_rendered").GetProperty("data");
        Assert.Equal(Sha256(source), rendered.GetProperty("contentSha256").GetString());
        Assert.Equal(Sha256(source), Sha256(await Api(Service.Correspondence).GetByteArrayAsync($"/correspondences/{reminderId}/content")));
        Assert.Equal([($"Facture {number}.pdf", Sha256(InvoicePdf)), ("RIB ACME SAS.txt", Sha256(BankDetails))],
            rendered.GetProperty("attachments").EnumerateArray().Select(a => (a.GetProperty("name").GetString(), a.GetProperty("sha256").GetString())));
        var missing = Assert.Single(rendered.GetProperty("missingAttachments").EnumerateArray());
        Assert.Equal(("purchase-order", "Bon de commande.pdf"), (missing.GetProperty("kind").GetString(), missing.GetProperty("name").GetString()));
        Assert.Contains("404", missing.GetProperty("reason").GetString());
        Assert.Equal(2, _bankDetailsRequests);
    }

    static byte[] Decoded(MimePart part)
    {
        using var buffer = new MemoryStream();
        part.Content!.DecodeTo(buffer);
        return buffer.ToArray();
    }
}
