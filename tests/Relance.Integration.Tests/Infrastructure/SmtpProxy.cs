using System.Net;
using System.Net.Sockets;

namespace Relance.Integration.Tests.Infrastructure;

/// <summary>
/// Stands between the service and the SMTP server, and swallows the server's answer to the end of each message's
/// data: the server has the message, the service never hears that it was accepted, as when the service dies just
/// after the acceptance. Disposing closes every connection.
/// </summary>
public sealed class SmtpProxy : IAsyncDisposable
{
    static readonly byte[] EndOfData = "\r\n.\r\n"u8.ToArray();

    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly string _host;
    readonly int _port;
    readonly CancellationTokenSource _stop = new();
    readonly List<TcpClient> _connections = [];

    public SmtpProxy(string host, int port)
    {
        (_host, _port) = (host, port);
        _listener.Start();
        _ = Accept();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            var server = new TcpClient();
            await server.ConnectAsync(_host, _port);
            lock (_connections) _connections.AddRange([client, server]);
            var swallow = new StrongBox<bool>();
            _ = Pump(client.GetStream(), server.GetStream(), swallow, watch: true);
            _ = Pump(server.GetStream(), client.GetStream(), swallow, watch: false);
        }
    }

    // Client to server: watch for the end of the data, then stop passing the server's answers on.
    async Task Pump(NetworkStream from, NetworkStream to, StrongBox<bool> swallow, bool watch)
    {
        var buffer = new byte[8192];
        var tail = new List<byte>();
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (watch)
                {
                    tail.AddRange(buffer.AsSpan(0, read).ToArray());
                    if (tail.Count > 4096) tail.RemoveRange(0, tail.Count - 8);
                    if (Contains(tail, EndOfData)) swallow.Value = true;
                }
                else if (swallow.Value) continue;
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception) { }
    }

    static bool Contains(List<byte> bytes, byte[] sequence)
    {
        for (var i = 0; i + sequence.Length <= bytes.Count; i++)
            if (sequence.Select((b, j) => bytes[i + j] == b).All(x => x)) return true;
        return false;
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_connections) foreach (var c in _connections) c.Dispose();
        return ValueTask.CompletedTask;
    }

    sealed class StrongBox<T> { public T Value = default!; }
}
