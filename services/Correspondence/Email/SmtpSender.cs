using System.Text;
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
}

/// <summary>Hands stored MIME bytes, unchanged, to the SMTP server and returns the server's answer.</summary>
public sealed class SmtpSender(SmtpOptions options)
{
    public async Task<string> SendAsync(string mime, CancellationToken cancellation)
    {
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(mime));
        var message = await MimeMessage.LoadAsync(stream, cancellation);
        using var client = new SmtpClient();
        await client.ConnectAsync(options.Host, options.Port, options.Security, cancellation);
        if (!string.IsNullOrEmpty(options.User))
            await client.AuthenticateAsync(options.User, options.Password ?? "", cancellation);
        var response = await client.SendAsync(message, cancellation);
        await client.DisconnectAsync(quit: true, cancellation);
        return response;
    }
}
