using System.Net;
using System.Net.Http.Json;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;

namespace Relance.CorrespondenceService.Sms;

/// <summary>The "Correspondence:Sms" configuration section: the SMS gateway and the secret its delivery reports carry.</summary>
public sealed record SmsOptions
{
    public const string Section = "Correspondence:Sms";

    /// <summary>The gateway's API root, e.g. https://sms.example.com/api/; no SMS leaves while it is not set.</summary>
    public string? BaseUrl { get; init; }
    public string ApiKeyHeader { get; init; } = "X-Api-Key";
    public string? ApiKey { get; init; }
    /// <summary>The sender shown on the phone (alphanumeric sender id, at most 11 characters).</summary>
    public string SenderId { get; init; } = "Relance";
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The shared secret the gateway sends in the X-Relance-Secret header with its delivery reports (POST /sms/delivery-reports).</summary>
    public string? CallbackSecret { get; init; }
}

/// <param name="To">E.164.</param>
/// <param name="ClientReference">The correspondence id: the gateway's idempotency key, and how Relance asks about the message.</param>
public sealed record SmsMessage(string To, string From, string Text, string ClientReference);

/// <summary>An SMS gateway; <see cref="HttpSmsGateway"/> speaks a generic HTTP API, another provider plugs in here.</summary>
public interface ISmsGateway
{
    /// <summary>Accepted with the gateway's message id, or refused; throws <see cref="DispatchOutcomeAmbiguousException"/> when it may have it.</summary>
    Task<SendOutcome> SendAsync(SmsMessage message, CancellationToken cancellation);

    /// <summary>Whether the gateway has a message of this client reference.</summary>
    Task<DispatchLookup> LookupAsync(string clientReference, CancellationToken cancellation);
}

/// <summary>
/// The generic HTTP gateway (README, "SMS"): POST {BaseUrl}messages with {to, from, text, clientReference} answers
/// {id}; GET {BaseUrl}messages?clientReference=… answers {id, status}, or 404 when it has none.
/// </summary>
public sealed class HttpSmsGateway(HttpClient http, SmsOptions options) : ISmsGateway
{
    public async Task<SendOutcome> SendAsync(SmsMessage message, CancellationToken cancellation)
    {
        if (Root() is not { } root) return new SendOutcome.Refused($"{SmsOptions.Section}:BaseUrl is not set: no SMS gateway to send through", Permanent: false);
        using var request = Authenticated(new HttpRequestMessage(HttpMethod.Post, new Uri(root, "messages"))
        {
            Content = JsonContent.Create(new { to = message.To, from = message.From, text = message.Text, clientReference = message.ClientReference }),
        });
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellation);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return new SendOutcome.Refused($"SMS gateway {root}: {e.Message}", Permanent: false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellation.IsCancellationRequested))
        {
            throw new DispatchOutcomeAmbiguousException($"SMS gateway {root} did not answer: {e.Message}", e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellation);
            if (response.IsSuccessStatusCode)
                return System.Text.Json.JsonSerializer.Deserialize<GatewayMessage>(body, System.Text.Json.JsonSerializerOptions.Web) is { Id: { Length: > 0 } id }
                    ? new SendOutcome.Accepted(id, $"{(int)response.StatusCode} {id}")
                    : throw new DispatchOutcomeAmbiguousException($"SMS gateway {root} answered {(int)response.StatusCode} without a message id: {body}");
            if ((int)response.StatusCode >= 500)
                throw new DispatchOutcomeAmbiguousException($"SMS gateway {root} answered {(int)response.StatusCode}: {body}");
            return new SendOutcome.Refused($"SMS gateway answered {(int)response.StatusCode}: {body}",
                Permanent: response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden));
        }
    }

    public async Task<DispatchLookup> LookupAsync(string clientReference, CancellationToken cancellation)
    {
        var root = Root() ?? throw new InvalidOperationException($"{SmsOptions.Section}:BaseUrl is not set: cannot ask the SMS gateway");
        using var request = Authenticated(new HttpRequestMessage(HttpMethod.Get, new Uri(root, $"messages?clientReference={Uri.EscapeDataString(clientReference)}")));
        using var response = await http.SendAsync(request, cancellation);
        if (response.StatusCode == HttpStatusCode.NotFound) return new DispatchLookup.NotFound();
        response.EnsureSuccessStatusCode();
        var found = await response.Content.ReadFromJsonAsync<GatewayMessage>(cancellation)
            ?? throw new InvalidOperationException($"SMS gateway {root} answered an empty lookup");
        return new DispatchLookup.Found(found.Id ?? "", $"found by client reference {clientReference}: {found.Status ?? "accepted"}");
    }

    Uri? Root() => string.IsNullOrWhiteSpace(options.BaseUrl) ? null : new Uri(options.BaseUrl.EndsWith('/') ? options.BaseUrl : options.BaseUrl + "/");

    HttpRequestMessage Authenticated(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(options.ApiKey)) request.Headers.TryAddWithoutValidation(options.ApiKeyHeader, options.ApiKey);
        return request;
    }

    sealed record GatewayMessage(string? Id, string? Status);
}

/// <summary>The SMS channel: the stored text, to the recipient's number in E.164, through the configured gateway.</summary>
public sealed class SmsChannel(ISmsGateway gateway, SmsOptions options) : IChannelAdapter
{
    public string Channel => Channels.Sms;

    public Task<SendOutcome> SendAsync(Correspondence correspondence, CancellationToken cancellation) =>
        gateway.SendAsync(new SmsMessage(CorrespondenceDecider.RecipientAddress(correspondence.Request), options.SenderId,
            correspondence.Rendered!.Sms!, correspondence.Id), cancellation);

    public Task<DispatchLookup> LookupAsync(Correspondence correspondence, CancellationToken cancellation) =>
        gateway.LookupAsync(correspondence.Id, cancellation);
}
