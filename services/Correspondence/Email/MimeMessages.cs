using System.Security.Cryptography;
using MimeKit;
using MimeKit.Text;

namespace Relance.CorrespondenceService.Email;

/// <summary>
/// Builds the exact bytes of an email once, before sending: they are stored with their SHA-256, and the
/// very same bytes are what the SMTP server receives, even when the send is repeated. With documents to attach,
/// the text and HTML parts come first in a multipart/mixed, then each document (base64, its name and media type).
/// </summary>
public static class MimeMessages
{
    public static (string Mime, string Sha256) Build(
        RenderedEmail email, SenderIdentity sender, string recipientName, string recipientEmail, Guid correspondenceId, DateTimeOffset date,
        string? copyTo = null, IReadOnlyList<EmailAttachment>? attachments = null)
    {
        // Boundaries derived from the correspondence id, not drawn at random: the same request gives the same bytes.
        var text = new MultipartAlternative
        {
            new TextPart(TextFormat.Plain) { Text = email.Text, ContentTransferEncoding = ContentEncoding.QuotedPrintable },
            new TextPart(TextFormat.Html) { Text = email.Html, ContentTransferEncoding = ContentEncoding.QuotedPrintable },
        };
        text.Boundary = $"=-alternative-{correspondenceId:N}";
        MimeEntity body = text;
        if (attachments is { Count: > 0 })
        {
            var mixed = new Multipart("mixed") { text };
            mixed.Boundary = $"=-mixed-{correspondenceId:N}";
            foreach (var attachment in attachments) mixed.Add(Part(attachment));
            body = mixed;
        }

        var message = new MimeMessage
        {
            Subject = email.Subject,
            Date = date,
            MessageId = MessageId(correspondenceId),
            Body = body,
        };
        message.From.Add(new MailboxAddress(sender.Name, sender.Email));
        message.To.Add(new MailboxAddress(recipientName, recipientEmail));
        if (!string.IsNullOrWhiteSpace(copyTo)) message.Cc.Add(MailboxAddress.Parse(copyTo));
        message.Headers.Add("X-Relance-Template", email.Template);
        message.Prepare(EncodingConstraint.SevenBit);

        using var buffer = new MemoryStream();
        // CRLF line ends, as SMTP carries them: the stored bytes are the bytes the server receives.
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(format, buffer);
        var bytes = buffer.ToArray();
        return (System.Text.Encoding.ASCII.GetString(bytes), Sha256(bytes));
    }

    static MimePart Part(EmailAttachment attachment) =>
        new(ContentType.Parse(attachment.MediaType))
        {
            Content = new MimeContent(new MemoryStream(attachment.Content, writable: false)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = attachment.Name },
            ContentTransferEncoding = ContentEncoding.Base64,
        };

    /// <summary>The Message-Id of a correspondence's email (without angle brackets): the same however often it is rendered.</summary>
    public static string MessageId(Guid correspondenceId) => $"{correspondenceId:N}@relance";

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
