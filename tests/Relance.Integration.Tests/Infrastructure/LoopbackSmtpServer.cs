using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Relance.Integration.Tests.Infrastructure;

/// <summary>
/// A small real SMTP server on a loopback port, for what maildev does not show: how many connections a client
/// opened, and what it does when the server drops them (as servers drop idle clients) or refuses a command. Keeps each
/// message's DATA and the recipients it accepted for it.
/// </summary>
public sealed class LoopbackSmtpServer : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new();
    readonly ConcurrentDictionary<TcpClient, bool> _open = new();
    int _connections;

    public LoopbackSmtpServer()
    {
        _listener.Start();
        _ = Task.Run(Accept);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Connections => Volatile.Read(ref _connections);
    public ConcurrentQueue<byte[]> Messages { get; } = new();
    /// <summary>The recipients accepted (RCPT TO) for each message, in the order of <see cref="Messages"/>.</summary>
    public ConcurrentQueue<string[]> Envelopes { get; } = new();
    public int Noops => Volatile.Read(ref _noops);
    int _noops;

    /// <summary>Addresses refused at RCPT TO with 550 5.1.1, as a server refuses a mailbox that does not exist.</summary>
    public ConcurrentDictionary<string, string> RefusedRecipients { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The next message's data is kept, then the connection closed without the final answer: the server has the message,
    /// the client never hears it was accepted.
    /// </summary>
    public bool DropAfterNextData { get; set; }

    /// <summary>The final answer to the next messages' data, instead of 250 (e.g. 552 5.3.4 too big): the message is refused and not kept.</summary>
    public string? RefuseData { get; set; }

    /// <summary>Closes every open connection, as a server does with clients idle too long.</summary>
    public void DropConnections()
    {
        foreach (var client in _open.Keys) client.Close();
    }

    async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            Interlocked.Increment(ref _connections);
            _open[client] = true;
            _ = Task.Run(async () =>
            {
                try { await Converse(client); }
                catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException) { }
                finally { _open.TryRemove(client, out _); client.Dispose(); }
            });
        }
    }

    async Task Converse(TcpClient client)
    {
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.Latin1);
        async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
        await Say("220 loopback ESMTP");
        var recipients = new List<string>();
        while (await reader.ReadLineAsync() is { } command)
        {
            var verb = command.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO" or "HELO": await Say("250 loopback"); break;
                case "MAIL" or "RSET": recipients.Clear(); await Say("250 ok"); break;
                case "RCPT":
                    var address = command[(command.IndexOf('<') + 1)..command.LastIndexOf('>')];
                    if (RefusedRecipients.ContainsKey(address))
                        await Say($"550 5.1.1 <{address}>: no such user");
                    else
                    {
                        recipients.Add(address);
                        await Say("250 ok");
                    }
                    break;
                case "NOOP": Interlocked.Increment(ref _noops); await Say("250 ok"); break;
                case "DATA":
                    await Say("354 end with <CRLF>.<CRLF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } line && line != ".")
                        data.Append(line.StartsWith("..") ? line[1..] : line).Append("\r\n");
                    if (RefuseData is { } refusal)
                    {
                        await Say(refusal);
                        break;
                    }
                    Envelopes.Enqueue([.. recipients]);
                    Messages.Enqueue(Encoding.Latin1.GetBytes(data.ToString()));
                    if (DropAfterNextData)
                    {
                        DropAfterNextData = false;
                        client.Close();
                        return;
                    }
                    await Say($"250 2.0.0 queued as {Messages.Count}");
                    break;
                case "QUIT": await Say("221 bye"); return;
                default: await Say("250 ok"); break;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        DropConnections();
        return ValueTask.CompletedTask;
    }
}
