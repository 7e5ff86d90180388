using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using Relance.CorrespondenceService.Correspondences.SendingReminder;

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
    /// 300 s, many providers sooner), and checking a dropped connection costs a round trip.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Hands stored MIME bytes, unchanged, to the SMTP server and returns the server's answer. Connections are
/// opened and authenticated once, then reused by the next sends (at most <see cref="SmtpOptions.Connections"/>
/// at once, safe for concurrent consumers). It never sends a message twice on its own: an idle connection is
/// checked with NOOP before it is reused (and replaced if that fails), and nothing is tried again once the server
/// accepted the sender (MAIL FROM). What went wrong is told apart by how far the message got:
/// <list type="bullet">
/// <item>before the server accepted MAIL FROM (reading the MIME, waiting for a connection, connecting, TLS, login,
/// NOOP, a cancellation before sending): nothing was handed over, <see cref="SmtpNotSentException"/>;</item>
/// <item>a command the server refused (<see cref="SmtpCommandException"/>): it did not take the message;</item>
/// <item>anything else after MAIL FROM was accepted (a connection lost during DATA or while waiting for the final
/// 250, a cancellation): the server may have it, <see cref="DispatchOutcomeAmbiguousException"/>.</item>
/// </list>
/// A connection that failed in any way is thrown away; the next send opens a new one.
/// </summary>
public sealed class SmtpSender(SmtpOptions options, ILogger<SmtpSender>? logger = null) : IAsyncDisposable
{
    readonly SemaphoreSlim _slots = new(options.Connections);
    readonly ConcurrentStack<(TrackingSmtpClient Client, long IdleSince)> _idle = new();
    readonly ILogger _logger = logger ?? NullLogger<SmtpSender>.Instance;

    public async Task<string> SendAsync(string mime, CancellationToken cancellation)
    {
        MimeMessage message;
        try
        {
            var stream = new MemoryStream(Encoding.ASCII.GetBytes(mime), writable: false);
            // Persistent: the parts are read from the stored bytes as they are sent, not copied first (a quarter of the
            // processor time for a reminder with 470 KB of attachments).
            message = await MimeMessage.LoadAsync(ParserOptions.Default, stream, persistent: true, cancellation);
            await _slots.WaitAsync(cancellation);
        }
        catch (Exception e)
        {
            throw new SmtpNotSentException($"not handed to the SMTP server {options.Host}:{options.Port}: {e.Message}", e);
        }
        try
        {
            TrackingSmtpClient client;
            try
            {
                client = await TakeAsync(cancellation);
            }
            catch (Exception e)
            {
                throw new SmtpNotSentException($"SMTP server {options.Host}:{options.Port}: {e.Message}", e);
            }
            client.SenderAccepted = false;
            try
            {
                var response = await client.SendAsync(message, cancellation);
                _idle.Push((client, Environment.TickCount64));
                return response;
            }
            catch (Exception e)
            {
                client.Dispose();
                if (e is SmtpCommandException) throw;
                if (!client.SenderAccepted)
                    throw new SmtpNotSentException($"SMTP server {options.Host}:{options.Port}, before it accepted the sender: {e.Message}", e);
                throw new DispatchOutcomeAmbiguousException(
                    $"the connection to the SMTP server {options.Host}:{options.Port} failed while the message was going out: {e.Message}", e);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    // An idle connection the server closed meanwhile fails its NOOP and is replaced: the only retry, before anything was sent.
    async Task<TrackingSmtpClient> TakeAsync(CancellationToken cancellation)
    {
        while (_idle.TryPop(out var idle))
        {
            if (idle.Client.IsConnected && Environment.TickCount64 - idle.IdleSince < options.IdleTimeout.TotalMilliseconds)
            {
                try
                {
                    await idle.Client.NoOpAsync(cancellation);
                    return idle.Client;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogDebug("An idle connection to the SMTP server failed its NOOP ({Error}): replaced", e.Message);
                    idle.Client.Dispose();
                    continue;
                }
                catch
                {
                    idle.Client.Dispose();
                    throw;
                }
            }
            await QuitAsync(idle.Client);
        }
        return await ConnectAsync(cancellation);
    }

    async Task<TrackingSmtpClient> ConnectAsync(CancellationToken cancellation)
    {
        var client = new TrackingSmtpClient(_logger);
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
        catch
        {
            client.Dispose();
            socket.Dispose();
            throw;
        }
    }

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

    /// <summary>
    /// Knows whether the server accepted the sender of the message going out (from then on the server may keep it), and
    /// sends to the To addresses even when the server refuses a Cc (the account manager's copy).
    /// </summary>
    sealed class TrackingSmtpClient(ILogger logger) : SmtpClient
    {
        public bool SenderAccepted { get; set; }

        protected override void OnSenderAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
        {
            SenderAccepted = true;
            base.OnSenderAccepted(message, mailbox, response);
        }

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
        {
            if (message.To.Mailboxes.Any(to => string.Equals(to.Address, mailbox.Address, StringComparison.OrdinalIgnoreCase)))
                base.OnRecipientNotAccepted(message, mailbox, response);
            else
                logger.LogWarning("The SMTP server refused the copy to {Recipient} of message {MessageId} ({StatusCode} {Response}); sent to its other recipients",
                    mailbox.Address, message.MessageId, (int)response.StatusCode, response.Response);
        }
    }
}

/// <summary>Nothing was handed to the SMTP server: it could not be reached, refused the login, or the send stopped before the server accepted the sender.</summary>
public sealed class SmtpNotSentException(string message, Exception inner) : Exception(message, inner);
