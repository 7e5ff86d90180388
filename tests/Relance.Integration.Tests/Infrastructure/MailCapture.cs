using System.Net.Http.Json;
using System.Text.Json;

namespace Relance.Integration.Tests.Infrastructure;

public sealed record CapturedMail(string Subject, IReadOnlyList<string> To, string Text, string? MessageId);

/// <summary>Reads what the capturing SMTP server (maildev) received, through its REST API.</summary>
public sealed class MailCapture(Uri api)
{
    readonly HttpClient _http = new() { BaseAddress = api };

    public async Task<IReadOnlyList<CapturedMail>> To(string address)
    {
        // maildev 3 serves /api/email; maildev 2 (the container image) serves /email.
        var response = await _http.GetAsync("api/email");
        if (!response.IsSuccessStatusCode) response = await _http.GetAsync("email");
        response.EnsureSuccessStatusCode();
        var mails = await response.Content.ReadFromJsonAsync<JsonElement>();
        return mails.EnumerateArray()
            .Select(m => new CapturedMail(
                m.GetProperty("subject").GetString() ?? "",
                m.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString() ?? "").ToList(),
                m.TryGetProperty("text", out var text) ? text.GetString() ?? "" : "",
                m.TryGetProperty("headers", out var headers) && headers.TryGetProperty("message-id", out var id) ? id.GetString() : null))
            .Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase))
            .ToList();
    }
}
