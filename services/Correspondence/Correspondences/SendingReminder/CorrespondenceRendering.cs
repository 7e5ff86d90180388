using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.Letters;
using Relance.CorrespondenceService.Writing;

namespace Relance.CorrespondenceService.Correspondences.SendingReminder;

/// <summary>
/// A request written with its template and laid out for its channel, with the SHA-256 of the exact bytes:
/// an email (MIME, the account manager in copy when named, the invoices' documents attached), a letter (a print-ready
/// PDF) or an SMS (its text), with the template's name, version and SHA-256. Pure for a given template library. A
/// formal notice lacking a mandatory mention is refused with <see cref="Relance.ServiceDefaults.MessageRejectedException"/>.
/// </summary>
public static class CorrespondenceRendering
{
    /// <param name="attachments">For an email: the invoices' documents to attach, and those missing (recorded as such).</param>
    public static CorrespondenceRendered Render(CorrespondenceRequested request, SenderIdentity sender, DateTimeOffset now, EmailAttachments? attachments = null)
    {
        if (Channels.IsLetter(request.Channel))
        {
            var letter = ReminderLetter.Render(request, sender.LetterheadOf(request.CompanyId));
            return new CorrespondenceRendered(letter.Template, letter.Subject, Mime: null,
                MimeMessages.Sha256(letter.Pdf), now) { Pdf = letter.Pdf, TemplateSha256 = letter.TemplateSha256 };
        }

        if (request.Channel == Channels.Sms)
        {
            var (template, text, templateSha256) = SmsTexts.Sms(request, sender.LetterheadOf(request.CompanyId));
            return new CorrespondenceRendered(template, Subject: "SMS", Mime: null,
                MimeMessages.Sha256(System.Text.Encoding.UTF8.GetBytes(text)), now) { Sms = text, TemplateSha256 = templateSha256 };
        }

        var email = ReminderEmail.Render(request, sender.LetterheadOf(request.CompanyId));
        var (mime, sha256) = MimeMessages.Build(email, sender, request.Recipient.Name, request.Recipient.Email, request.ReminderId, now,
            copyTo: request.Recipient.AccountManagerEmail, attachments: attachments?.Attached);
        return new CorrespondenceRendered(email.Template, email.Subject, mime, sha256, now)
        {
            TemplateSha256 = email.TemplateSha256,
            Attachments = [.. (attachments?.Attached ?? []).Select(a => a.Proof())],
            MissingAttachments = attachments?.Missing ?? [],
        };
    }
}
