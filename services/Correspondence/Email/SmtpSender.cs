using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Relance.CorrespondenceService.Email;

public sealed record SmtpOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 1025;
    /// <summary>None, StartTls, SslOnConnect or Auto (MailKit's SecureSocketOptions).</summary>
    public SecureSocketOptions Security { get; init; } = SecureSocketOptions.None;
    public string? User { get; init; }
    public string? Password { get; init; }

    /// <summary>The most connections open to the server at once; sends beyond wait for one to be free.</summary>
    public int Connections { get; init; } = 4;

    /// <summary>
    /// A connection unused for longer is closed rather than reused: servers drop idle clients (Postfix after
    /// 300 s, many providers sooner), and a send on a dropped connection costs a failed try.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Hands stored MIME bytes, unchanged, to the SMTP server and returns the server's answer. Connections are
/// opened and authenticated once, then reused by the next sends (at most <see cref="SmtpOptions.Connections"/>
/// at once, safe for concurrent consumers). A connection that failed in any way is thrown away; the next send
/// opens a new one.
/// </summary>
public sealed class SmtpSender(SmtpOptions options) : IAsyncDisposable
{
    readonly SemaphoreSlim _slots = new(options.Connections);
    readonly ConcurrentStack<(SmtpClient Client, long IdleSince)> _idle = new();

    public async Task<string> SendAsync(string mime, CancellationToken cancellation)
    {
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(mime), writable: false);
        // Persistent: the parts are read from the stored bytes as they are sent, not copied first (a quarter of the
        // processor time for a reminder with 470 KB of attachments).
        var message = await MimeMessage.LoadAsync(ParserOptions.Default, stream, persistent: true, cancellation);
        await _slots.WaitAsync(cancellation);
        try
        {
            var (client, reused) = await TakeAsync(cancellation);
            try
            {
                return await SendOnAsync(client, message, cancellation);
            }
            catch (Exception e) when (reused && Dropped(e))
            {
                // The server had closed the pooled connection while it sat idle: once more on a fresh one. Had it
                // dropped it just after accepting the message, the receiver gets it twice with the same Message-Id.
                return await SendOnAsync(await ConnectAsync(cancellation), message, cancellation);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    async Task<string> SendOnAsync(SmtpClient client, MimeMessage message, CancellationToken cancellation)
    {
        try
        {
            var response = await client.SendAsync(message, cancellation);
            _idle.Push((client, Environment.TickCount64));
            return response;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    async Task<(SmtpClient Client, bool Reused)> TakeAsync(CancellationToken cancellation)
    {
        while (_idle.TryPop(out var idle))
        {
            if (idle.Client.IsConnected && Environment.TickCount64 - idle.IdleSince < options.IdleTimeout.TotalMilliseconds)
                return (idle.Client, true);
            await QuitAsync(idle.Client);
        }
        return (await ConnectAsync(cancellation), false);
    }

    async Task<SmtpClient> ConnectAsync(CancellationToken cancellation)
    {
        var client = new SmtpClient();
        // No Nagle: SMTP is short commands each awaiting an answer, which Nagle's algorithm and the server's delayed
        // acknowledgment would hold up to 40 ms each.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, cancellation);
            await client.ConnectAsync(socket, options.Host, options.Port, options.Security, cancellation);
            if (!string.IsNullOrEmpty(options.User))
                await client.AuthenticateAsync(options.User, options.Password ?? "", cancellation);
            return client;
        }
        catch (Exception e)
        {
            client.Dispose();
            socket.Dispose();
            if (e is OperationCanceledException) throw;
            throw new SmtpUnavailableException($"SMTP server {options.Host}:{options.Port}: {e.Message}", e);
        }
    }

    static bool Dropped(Exception e) =>
        e is ServiceNotConnectedException or IOException or SocketException or SmtpProtocolException
            or SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable };

    static async Task QuitAsync(SmtpClient client)
    {
        try
        {
            if (client.IsConnected) await client.DisconnectAsync(quit: true);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException or SmtpCommandException)
        {
            // Closing a connection the server already dropped: nothing left to do.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryPop(out var idle)) await QuitAsync(idle.Client);
        _slots.Dispose();
    }
}

/// <summary>The SMTP server could not be reached or refused the login: nothing was handed to it.</summary>
public sealed class SmtpUnavailableException(string message, Exception inner) : Exception(message, inner);
