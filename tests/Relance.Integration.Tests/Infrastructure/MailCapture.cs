using System.Net.Http.Json;
using System.Text.Json;

namespace Relance.Integration.Tests.Infrastructure;

public sealed record CapturedMail(string Id, string Subject, IReadOnlyList<string> To, string Text, string? MessageId, IReadOnlyList<string> Cc);

/// <summary>Reads what the capturing SMTP server (maildev) received, through its REST API.</summary>
public sealed class MailCapture(Uri api)
{
    readonly HttpClient _http = new() { BaseAddress = api };

    public async Task<IReadOnlyList<CapturedMail>> To(string address)
    {
        var mails = await _http.GetFromJsonAsync<JsonElement>("email");
        return mails.EnumerateArray()
            .Select(m => new CapturedMail(
                m.GetProperty("id").GetString()!,
                m.GetProperty("subject").GetString() ?? "",
                m.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString() ?? "").ToList(),
                m.TryGetProperty("text", out var text) ? text.GetString() ?? "" : "",
                m.TryGetProperty("headers", out var headers) && headers.TryGetProperty("message-id", out var id) ? id.GetString() : null,
                m.TryGetProperty("cc", out var cc) && cc.ValueKind == JsonValueKind.Array
                    ? cc.EnumerateArray().Select(c => c.GetProperty("address").GetString() ?? "").ToList()
                    : []))
            .Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase))
            .ToList();
    }

    /// <summary>The message exactly as the SMTP server received it.</summary>
    public Task<byte[]> Source(CapturedMail mail) => _http.GetByteArrayAsync($"email/{mail.Id}/source");
}
