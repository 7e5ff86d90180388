using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Relance.CorrespondenceService.Correspondences;
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
}

/// <summary>
/// Hands stored MIME bytes, unchanged, to the SMTP server: the email channel. A failure to connect or log in, or a
/// command the server refuses, left nothing with it; a connection lost while sending may have left the message
/// there, and plain SMTP cannot be asked afterwards, so the lookup never knows.
/// </summary>
public sealed class SmtpSender(SmtpOptions options) : IChannelAdapter
{
    public string Channel => Channels.Email;

    public async Task<SendOutcome> SendAsync(Correspondence correspondence, CancellationToken cancellation)
    {
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(correspondence.Rendered!.Mime!));
        var message = await MimeMessage.LoadAsync(stream, cancellation);
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(options.Host, options.Port, options.Security, cancellation);
            if (!string.IsNullOrEmpty(options.User))
                await client.AuthenticateAsync(options.User, options.Password ?? "", cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new SendOutcome.Refused($"SMTP server {options.Host}:{options.Port}: {e.Message}", Permanent: false);
        }

        string response;
        try
        {
            response = await client.SendAsync(message, cancellation);
        }
        catch (SmtpCommandException e)
        {
            return new SendOutcome.Refused($"SMTP {(int)e.StatusCode} {e.Message}", Permanent: (int)e.StatusCode >= 500);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DispatchOutcomeAmbiguousException($"the connection to the SMTP server failed while sending: {e.Message}", e);
        }
        // The server accepted the message: a connection that fails to close cleanly changes nothing to that.
        try { await client.DisconnectAsync(quit: true, CancellationToken.None); }
        catch (Exception e) when (e is IOException or SmtpProtocolException or SmtpCommandException) { }
        return new SendOutcome.Accepted($"<{message.MessageId}>", response);
    }

    public Task<DispatchLookup> LookupAsync(Correspondence correspondence, CancellationToken cancellation) =>
        Task.FromResult<DispatchLookup>(new DispatchLookup.CannotTell(
            "plain SMTP cannot be asked whether the server accepted a message: it may have been sent; a person checks and confirms it or orders it sent again"));
}
