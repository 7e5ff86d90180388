using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Relance.CorrespondenceBenchmarks;

/// <summary>
/// The emails' raw baseline: MailKit alone, the same MIME bytes parsed once into a MimeMessage per connection (a message
/// is not safe to write from two threads), sent again and again over as many connections, opened once (no Nagle, as the
/// service's). No reading of the stored MIME per send, no NOOP before reusing a connection, no send-state tracking.
/// </summary>
sealed class RawSmtp : IAsyncDisposable
{
    public const string What = "MailKit sending the same MIME, parsed once, over as many connections opened once";

    readonly ConcurrentBag<(SmtpClient Client, MimeMessage Message)> _connections = [];

    public static async Task<RawSmtp> ConnectAsync(string host, int port, int connections, string mime)
    {
        var raw = new RawSmtp();
        for (var i = 0; i < connections; i++)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(host, port);
            var client = new SmtpClient();
            await client.ConnectAsync(socket, host, port, SecureSocketOptions.None);
            raw._connections.Add((client, MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(mime)))));
        }
        return raw;
    }

    public async Task SendAsync()
    {
        if (!_connections.TryTake(out var connection)) throw new InvalidOperationException("more concurrent sends than connections");
        try
        {
            await connection.Client.SendAsync(connection.Message);
        }
        finally
        {
            _connections.Add(connection);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (client, _) in _connections)
        {
            await client.DisconnectAsync(quit: true);
            client.Dispose();
        }
    }
}
