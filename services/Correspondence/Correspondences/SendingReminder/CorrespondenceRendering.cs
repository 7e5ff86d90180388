using Relance.CorrespondenceService.Email;

namespace Relance.CorrespondenceService.Correspondences.SendingReminder;

/// <summary>
/// A request written with its template as an email, with the SHA-256 of its exact MIME bytes; the account
/// manager in copy when named. Pure.
/// </summary>
public static class CorrespondenceRendering
{
    public static CorrespondenceRendered Render(CorrespondenceRequested request, SenderIdentity sender, DateTimeOffset now)
    {
        var email = ReminderEmail.Render(request, sender.CreditorName(request.CompanyId), sender.Name);
        var (mime, sha256) = MimeMessages.Build(email, sender, request.Recipient.Name, request.Recipient.Email, request.ReminderId, now,
            copyTo: request.Recipient.AccountManagerEmail);
        return new CorrespondenceRendered(email.Template, email.Subject, mime, sha256, now);
    }
}
