using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Relance.PaymentStopBenchmark;

/// <summary>The benchmark's virtual host through RabbitMQ's management API, and an ERP publishing with confirms.</summary>
sealed class Broker(Settings settings) : IDisposable
{
    readonly HttpClient management = Management(settings.Management);

    static HttpClient Management(string url)
    {
        var uri = new Uri(url);
        var client = new HttpClient { BaseAddress = new Uri(uri.GetLeftPart(UriPartial.Authority)) };
        var user = Uri.UnescapeDataString(uri.UserInfo);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user)));
        return client;
    }

    string Vhost => Uri.EscapeDataString(Settings.VirtualHost);

    public async Task FreshVirtualHost()
    {
        await management.DeleteAsync($"/api/vhosts/{Vhost}");
        (await management.PutAsync($"/api/vhosts/{Vhost}", null)).EnsureSuccessStatusCode();
        var user = Uri.UnescapeDataString(new Uri(settings.Management).UserInfo).Split(':')[0];
        (await management.PutAsync($"/api/permissions/{Vhost}/{Uri.EscapeDataString(user)}",
            new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
    }

    public Task DeleteVirtualHost() => management.DeleteAsync($"/api/vhosts/{Vhost}");

    /// <summary>Messages in the queue, ready or delivered and not yet acknowledged; null while it does not exist.</summary>
    public async Task<long?> Depth(string queue)
    {
        var response = await management.GetAsync($"/api/queues/{Vhost}/{Uri.EscapeDataString(queue)}");
        if (!response.IsSuccessStatusCode) return null;
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("messages", out var messages) ? messages.GetInt64() : 0;
    }

    public void Dispose() => management.Dispose();
}

/// <summary>One connection, one channel with publisher confirms: a message counts as published once the broker confirmed it.</summary>
sealed class Publisher : IAsyncDisposable
{
    readonly IConnection connection;
    readonly IChannel channel;

    Publisher(IConnection connection, IChannel channel) => (this.connection, this.channel) = (connection, channel);

    public static async Task<Publisher> Open(string broker, string name)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(broker), ClientProvidedName = name }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        return new Publisher(connection, channel);
    }

    public IChannel Channel => channel;

    public async Task Publish(string exchange, string routingKey, string messageId, byte[] body) =>
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: true,
            new BasicProperties { MessageId = messageId, ContentType = "application/json", Persistent = true }, body);

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync();
        await connection.DisposeAsync();
    }
}
