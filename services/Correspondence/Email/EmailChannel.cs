using MailKit.Net.Smtp;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;

namespace Relance.CorrespondenceService.Email;

/// <summary>
/// The email channel: the stored MIME bytes, unchanged, to the SMTP server through <see cref="SmtpSender"/>. Nothing
/// handed over (the server could not be reached, refused the login, the send stopped before the server accepted the
/// sender) and a command the server refused are refusals; a connection lost while the message was going out may have
/// left it there (<see cref="DispatchOutcomeAmbiguousException"/>), and plain SMTP cannot be asked afterwards, so the lookup never knows.
/// </summary>
public sealed class EmailChannel(SmtpSender smtp) : IChannelAdapter
{
    public string Channel => Channels.Email;

    public async Task<SendOutcome> SendAsync(Correspondence correspondence, CancellationToken cancellation)
    {
        try
        {
            var response = await smtp.SendAsync(correspondence.Rendered!.Mime!, cancellation);
            return new SendOutcome.Accepted($"<{MimeMessages.MessageId(correspondence.Request.ReminderId)}>", response);
        }
        catch (SmtpNotSentException e)
        {
            return new SendOutcome.Refused(e.Message, Permanent: false);
        }
        catch (SmtpCommandException e)
        {
            return new SendOutcome.Refused($"SMTP {(int)e.StatusCode} {e.Message}", Permanent: RefusesTheAddress(e));
        }
    }

    /// <summary>
    /// Only the server's 5xx to the recipient's own address (RCPT TO of a To address: no such user, mailbox disabled) is
    /// for good: a 5xx to the sender or to the message (552 too large, 554 rejected as spam) or a policy refusal of the
    /// recipient (5.7.x: relay denied, authentication required) is a matter of content or configuration, not of the address,
    /// and may succeed once that is put right. A refused Cc never gets here (<see cref="SmtpSender"/> sends without it).
    /// </summary>
    public static bool RefusesTheAddress(SmtpCommandException e) =>
        e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)e.StatusCode is >= 500 and < 600 && !e.Message.TrimStart().StartsWith("5.7.");

    public Task<DispatchLookup> LookupAsync(Correspondence correspondence, CancellationToken cancellation) =>
        Task.FromResult<DispatchLookup>(new DispatchLookup.CannotTell(
            "plain SMTP cannot be asked whether the server accepted a message: it may have been sent; a person checks and confirms it or orders it sent again"));
}
