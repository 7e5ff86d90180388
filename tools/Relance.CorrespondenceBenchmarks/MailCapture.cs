using System.Net.Http.Json;
using System.Text.Json;

namespace Relance.CorrespondenceBenchmarks;

/// <summary>Removes the benchmark's messages from maildev (others' test messages stay), through its REST API.</summary>
static class MailCapture
{
    public static async Task DeleteTo(Uri api, string address)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromMinutes(5) };
        var mails = await http.GetFromJsonAsync<JsonElement>("email");
        var ours = mails.EnumerateArray()
            .Where(m => m.GetProperty("to").EnumerateArray().Any(t => t.GetProperty("address").GetString() == address))
            .Select(m => m.GetProperty("id").GetString()).ToList();
        foreach (var id in ours) await http.DeleteAsync($"email/{id}");
        Console.WriteLine($"removed the {ours.Count} benchmark messages from maildev");
    }
}
