using System.Security.Cryptography;
using MimeKit;
using MimeKit.Text;

namespace Relance.CorrespondenceService.Email;

public sealed record SenderIdentity
{
    public string Name { get; init; } = "Service recouvrement";
    public string Email { get; init; } = "recouvrement@relance.localhost";
}

/// <summary>
/// Builds the exact bytes of an email once, before sending: they are stored with their SHA-256, and the
/// very same bytes are what the SMTP server receives, even when the send is repeated.
/// </summary>
public static class MimeMessages
{
    public static (string Mime, string Sha256) Build(
        RenderedEmail email, SenderIdentity sender, string recipientName, string recipientEmail, Guid correspondenceId, DateTimeOffset date)
    {
        var message = new MimeMessage
        {
            Subject = email.Subject,
            Date = date,
            MessageId = $"{correspondenceId:N}@relance",
            Body = new MultipartAlternative
            {
                new TextPart(TextFormat.Plain) { Text = email.Text, ContentTransferEncoding = ContentEncoding.QuotedPrintable },
                new TextPart(TextFormat.Html) { Text = email.Html, ContentTransferEncoding = ContentEncoding.QuotedPrintable },
            },
        };
        message.From.Add(new MailboxAddress(sender.Name, sender.Email));
        message.To.Add(new MailboxAddress(recipientName, recipientEmail));
        message.Headers.Add("X-Relance-Template", email.Template);
        message.Prepare(EncodingConstraint.SevenBit);

        using var buffer = new MemoryStream();
        message.WriteTo(FormatOptions.Default.Clone(), buffer);
        var bytes = buffer.ToArray();
        return (System.Text.Encoding.ASCII.GetString(bytes), Sha256(bytes));
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
