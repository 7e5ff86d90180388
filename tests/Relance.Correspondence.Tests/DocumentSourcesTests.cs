using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Relance.CorrespondenceService.InvoiceDocuments;
using Relance.CorrespondenceService.InvoiceDocuments.KeepingDocuments;

namespace Relance.Correspondence.Tests;

/// <summary>Documents are fetched from public addresses only, unless the configuration allows private networks.</summary>
[Trait("Category", "Unit")]
public class DocumentSourcesTests
{
    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("127.8.9.10", "a loopback address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("::ffff:127.0.0.1", "a loopback address")]
    [InlineData("10.1.2.3", "a private address (RFC 1918)")]
    [InlineData("172.16.0.1", "a private address (RFC 1918)")]
    [InlineData("172.31.255.255", "a private address (RFC 1918)")]
    [InlineData("192.168.1.10", "a private address (RFC 1918)")]
    [InlineData("::ffff:192.168.1.10", "a private address (RFC 1918)")]
    [InlineData("fd12:3456::1", "a private address (fc00::/7)")]
    [InlineData("fc00::1", "a private address (fc00::/7)")]
    [InlineData("169.254.169.254", "a link-local address")]
    [InlineData("fe80::1", "a link-local address")]
    [InlineData("0.0.0.0", "an unspecified address")]
    [InlineData("::", "an unspecified address")]
    [InlineData("224.0.0.1", "a multicast address")]
    [InlineData("239.255.255.250", "a multicast address")]
    [InlineData("ff02::1", "a multicast address")]
    [InlineData("255.255.255.255", "the broadcast address")]
    public void Loopback_private_link_local_unspecified_and_multicast_addresses_are_refused(string address, string why) =>
        Assert.Equal(why, DocumentSources.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.Null(DocumentSources.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("application/pdf", "application/pdf", null)]
    [InlineData("text/plain; charset=utf-8", "text/plain; charset=utf-8", null)]
    [InlineData("pdf", "application/octet-stream", "pdf")]
    [InlineData("/pdf", "application/octet-stream", "/pdf")]
    [InlineData("application/", "application/octet-stream", "application/")]
    [InlineData("application/pdf document", "application/octet-stream", "application/pdf document")]
    public void A_media_type_an_email_cannot_carry_is_kept_as_octet_stream_and_the_erp_s_recorded(string given, string kept, string? recorded)
    {
        var document = new AnnouncedDocument("invoice", "F-1.pdf", given, null).WithMediaTypeChecked();
        Assert.Equal((kept, recorded), (document.MediaType, document.AnnouncedMediaType));
        _ = MimeKit.ContentType.Parse(document.MediaType);
    }
}

/// <summary>The fetcher as the service builds it, against a real document server on 127.0.0.1.</summary>
[Trait("Category", "Integration")]
public sealed class DocumentFetcherSourcesTests : IAsyncLifetime
{
    static readonly byte[] Document = "%PDF-1.7 test"u8.ToArray();
    WebApplication _server = null!;
    Uri _address = null!;
    int _requests;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.MapGet("/rib.pdf", async context =>
        {
            Interlocked.Increment(ref _requests);
            await context.Response.Body.WriteAsync(Document);
        });
        await _server.StartAsync();
        _address = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    static async Task<FetchOutcome> Fetch(string url, bool allowPrivateNetworks)
    {
        var options = new DocumentOptions { AllowPrivateNetworks = allowPrivateNetworks, Attempts = 3, FirstRetryDelay = TimeSpan.FromSeconds(5) };
        using var http = new HttpClient(DocumentSources.Handler(options));
        return await new DocumentFetcher(http, options, NullLogger<DocumentFetcher>.Instance).FetchAsync(url, CancellationToken.None);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")] // refused after DNS resolution, not by its name
    public async Task A_url_on_the_loopback_is_refused_at_once_without_a_request_when_private_networks_are_not_allowed(string host)
    {
        var url = $"http://{host}:{_address.Port}/rib.pdf";
        var failed = Assert.IsType<FetchOutcome.Failed>(await Fetch(url, allowPrivateNetworks: false));
        Assert.Equal(1, failed.Attempts);
        Assert.StartsWith($"{url} refused: {host} is a loopback address (", failed.Reason);
        Assert.Contains("Correspondence:Documents:AllowPrivateNetworks", failed.Reason);
        Assert.Equal(0, _requests);
    }

    [Fact]
    public async Task The_same_url_is_fetched_when_private_networks_are_allowed()
    {
        var fetched = Assert.IsType<FetchOutcome.Fetched>(await Fetch(new Uri(_address, "/rib.pdf").ToString(), allowPrivateNetworks: true));
        Assert.Equal(Document, fetched.Content);
        Assert.Equal(1, _requests);
    }
}
