using MailKit.Net.Smtp;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;

namespace Relance.CorrespondenceService.Email;

/// <summary>
/// The email channel: the stored MIME bytes, unchanged, to the SMTP server through <see cref="SmtpSender"/>. A server
/// that cannot be reached or refuses the login, or a command it refuses, left nothing with it; a connection lost while
/// the message was going out may have left it there, and plain SMTP cannot be asked afterwards, so the lookup never knows.
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
        catch (SmtpUnavailableException e)
        {
            return new SendOutcome.Refused(e.Message, Permanent: false);
        }
        catch (SmtpCommandException e)
        {
            return new SendOutcome.Refused($"SMTP {(int)e.StatusCode} {e.Message}", Permanent: (int)e.StatusCode >= 500);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DispatchOutcomeAmbiguousException($"the connection to the SMTP server failed while sending: {e.Message}", e);
        }
    }

    public Task<DispatchLookup> LookupAsync(Correspondence correspondence, CancellationToken cancellation) =>
        Task.FromResult<DispatchLookup>(new DispatchLookup.CannotTell(
            "plain SMTP cannot be asked whether the server accepted a message: it may have been sent; a person checks and confirms it or orders it sent again"));
}
