using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Relance.Integration.Tests.Infrastructure;

/// <summary>
/// An SMS gateway speaking the generic HTTP API of the Correspondence service (its README, "SMS"), on a loopback port:
/// it records every request, keeps the messages it accepted by client reference, answers lookups, and can be told
/// to hang before or after accepting a message, as a gateway whose caller dies meanwhile.
/// </summary>
public sealed class SmsGatewayServer : IAsyncDisposable
{
    public const string ApiKey = "test-sms-key";
    /// <summary>A number the gateway refuses (400), as one no operator serves.</summary>
    public const string Unserved = "+33699999999";

    public sealed record Sms(string Id, string To, string From, string Text, string ClientReference);

    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, Sms> _accepted = new();
    readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    SmsGatewayServer(WebApplication app) => _app = app;

    /// <summary>Every POST received, accepted or not, in order.</summary>
    public ConcurrentQueue<Sms> Posted { get; } = new();
    public ConcurrentQueue<string> Lookups { get; } = new();
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Hang each POST before accepting it (nothing kept) or after (kept, not answered), until <see cref="Release"/>.</summary>
    public bool HangBeforeAccepting { get; set; }
    public bool HangAfterAccepting { get; set; }

    public IReadOnlyList<Sms> AcceptedFor(string clientReference) => _accepted.Values.Where(s => s.ClientReference == clientReference).ToList();

    /// <summary>Lets the hanging requests go: they are answered 503, as by a gateway their caller no longer hears.</summary>
    public void Release() => _released.TrySetResult();

    public static async Task<SmsGatewayServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new SmsGatewayServer(app);
        app.MapPost("/messages", async (HttpContext http) =>
        {
            if (http.Request.Headers["X-Api-Key"] != ApiKey) return Results.Unauthorized();
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
            string Field(string name) => body.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";
            var sms = new Sms($"gw-{Guid.NewGuid():N}", Field("to"), Field("from"), Field("text"), Field("clientReference"));
            server.Posted.Enqueue(sms);
            if (sms.To == Unserved) return Results.BadRequest(new { error = $"{sms.To} is served by no operator" });
            if (server.HangBeforeAccepting)
            {
                await server._released.Task;
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
            var kept = server._accepted.GetOrAdd(sms.ClientReference, sms);
            if (server.HangAfterAccepting)
            {
                await server._released.Task;
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
            return Results.Ok(new { id = kept.Id });
        });
        app.MapGet("/messages", (string clientReference, HttpContext http) =>
        {
            if (http.Request.Headers["X-Api-Key"] != ApiKey) return Results.Unauthorized();
            server.Lookups.Enqueue(clientReference);
            return server._accepted.TryGetValue(clientReference, out var sms) ? Results.Ok(new { id = sms.Id, status = "accepted" }) : Results.NotFound();
        });
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
