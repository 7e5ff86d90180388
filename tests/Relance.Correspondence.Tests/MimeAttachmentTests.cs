using System.Security.Cryptography;
using System.Text;
using MimeKit;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.CorrespondenceService.Email;
using static Relance.Correspondence.Tests.Examples;

namespace Relance.Correspondence.Tests;

/// <summary>The invoices' documents inside the email's MIME bytes, and in the proof of the rendering.</summary>
[Trait("Category", "Unit")]
public class MimeAttachmentTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    static readonly byte[] InvoicePdf = [.. "%PDF-1.7 invoice F-1\n"u8, .. Enumerable.Range(0, 3000).Select(i => (byte)(i * 7))];
    static readonly byte[] BankDetails = "IBAN FR76 3000 6000 0112 3456 7890 189\r\nBIC AGRIFRPP\r\n"u8.ToArray();

    static EmailAttachments Documents(params EmailAttachment[] attached) => new([.. attached], []);

    static readonly EmailAttachment Invoice = new("F-1", "invoice", "Facture F-1.pdf", "application/pdf", InvoicePdf);
    static readonly EmailAttachment Rib = new("F-1", "bank-details", "RIB ACME é.txt", "text/plain; charset=utf-8", BankDetails);

    static CorrespondenceRendered Render(EmailAttachments attachments) =>
        CorrespondenceRendering.Render(ReminderLetter(), new SenderIdentity(), Now, attachments);

    [Fact]
    public void The_documents_follow_the_text_and_html_parts_with_their_names_media_types_and_exact_bytes()
    {
        var rendered = Render(Documents(Invoice, Rib));
        var bytes = Encoding.ASCII.GetBytes(rendered.Mime!);
        Assert.All(rendered.Mime!, c => Assert.True(c < 128));
        Assert.Equal(MimeMessages.Sha256(bytes), rendered.ContentSha256);

        var message = MimeMessage.Load(new MemoryStream(bytes));
        var mixed = Assert.IsType<Multipart>(message.Body);
        Assert.Equal("multipart/mixed", mixed.ContentType.MimeType);
        var alternative = Assert.IsType<MultipartAlternative>(mixed[0]);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Contains("F-1", message.TextBody);
        Assert.Contains("F-1", message.HtmlBody);

        var parts = message.Attachments.Cast<MimePart>().ToList();
        Assert.Equal(["Facture F-1.pdf", "RIB ACME é.txt"], parts.Select(p => p.FileName));
        Assert.Equal(["application/pdf", "text/plain"], parts.Select(p => p.ContentType.MimeType));
        Assert.Equal("utf-8", parts[1].ContentType.Charset);
        Assert.Equal([InvoicePdf, BankDetails], parts.Select(Decoded));
        Assert.All(parts, p => Assert.Equal(ContentEncoding.Base64, p.ContentTransferEncoding));
    }

    [Fact]
    public void The_proof_names_each_document_with_the_sha256_of_its_bytes_and_the_missing_ones_with_why()
    {
        var missing = new MissingDocument("F-2", "contract", "Contrat.pdf", "https://erp.example/c.pdf answered 404 Not Found");
        var rendered = Render(new EmailAttachments([Invoice, Rib], [missing]));

        Assert.Equal(
            [
                new AttachedDocument("F-1", "invoice", "Facture F-1.pdf", "application/pdf", Convert.ToHexStringLower(SHA256.HashData(InvoicePdf)), InvoicePdf.Length),
                new AttachedDocument("F-1", "bank-details", "RIB ACME é.txt", "text/plain; charset=utf-8", Convert.ToHexStringLower(SHA256.HashData(BankDetails)), BankDetails.Length),
            ],
            rendered.Attachments);
        Assert.Equal([missing], rendered.MissingAttachments);
    }

    [Fact]
    public void The_same_request_with_the_same_documents_gives_the_same_bytes_and_another_document_other_bytes()
    {
        var first = Render(Documents(Invoice, Rib));
        Assert.Equal(first.Mime, Render(Documents(Invoice, Rib)).Mime);
        Assert.NotEqual(first.ContentSha256, Render(Documents(Invoice)).ContentSha256);
        Assert.NotEqual(first.ContentSha256, Render(Documents(Invoice, Rib with { Content = [.. BankDetails, 0] })).ContentSha256);
    }

    [Fact]
    public void Without_documents_the_email_is_the_text_and_html_alternative_alone()
    {
        var rendered = Render(EmailAttachments.None);
        var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(rendered.Mime!)));
        Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Empty(message.Attachments);
        Assert.Empty(rendered.Attachments);
        Assert.Equal(Render(EmailAttachments.None).Mime, rendered.Mime);
    }

    static byte[] Decoded(MimePart part)
    {
        using var buffer = new MemoryStream();
        part.Content!.DecodeTo(buffer);
        return buffer.ToArray();
    }
}
