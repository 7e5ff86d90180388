using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.Letters;
using Relance.CorrespondenceService.Writing;

namespace Relance.CorrespondenceService.Correspondences.SendingReminder;

/// <summary>
/// A request written with its template and laid out for its channel, with the SHA-256 of the exact bytes:
/// an email (MIME, the account manager in copy when named), a letter (a print-ready PDF) or an SMS (its text). Pure.
/// </summary>
public static class CorrespondenceRendering
{
    public static CorrespondenceRendered Render(CorrespondenceRequested request, SenderIdentity sender, DateTimeOffset now)
    {
        if (Channels.IsLetter(request.Channel))
        {
            var letter = ReminderLetter.Render(request, sender.LetterheadOf(request.CompanyId));
            return new CorrespondenceRendered(letter.Template, letter.Subject, Mime: null,
                MimeMessages.Sha256(letter.Pdf), now) { Pdf = letter.Pdf };
        }

        if (request.Channel == Channels.Sms)
        {
            var (template, text) = SmsTexts.Sms(request, sender.LetterheadOf(request.CompanyId));
            return new CorrespondenceRendered(template, Subject: "SMS", Mime: null,
                MimeMessages.Sha256(System.Text.Encoding.UTF8.GetBytes(text)), now) { Sms = text };
        }

        var email = ReminderEmail.Render(request, sender.CreditorName(request.CompanyId), sender.Name);
        var (mime, sha256) = MimeMessages.Build(email, sender, request.Recipient.Name, request.Recipient.Email, request.ReminderId, now,
            copyTo: request.Recipient.AccountManagerEmail);
        return new CorrespondenceRendered(email.Template, email.Subject, mime, sha256, now);
    }
}
