using System.Text.RegularExpressions;
using Marten;
using MimeKit;
using Relance.ServiceDefaults;
using Messages = Relance.Contracts.Correspondence;

namespace Relance.CorrespondenceService.Correspondences.RecordingBounces;

/// <summary>
/// A bounce as the mail system reports it (by message or by HTTP), checked field by field, and recorded on the
/// correspondence whose email bounced. The same bounce reported twice is recorded once.
/// </summary>
public static partial class Bounces
{
    /// <summary>The correspondence the bounce is about and the bounce, or <see cref="MessageRejectedException"/> with every field that is wrong.</summary>
    public static (string CorrespondenceId, CorrespondenceBounced Bounced) Check(Messages.EmailBounced message, DateTimeOffset now)
    {
        var reasons = new List<(string, string)>();
        Guid? byMessageId = null, byId = null;
        if (!string.IsNullOrWhiteSpace(message.MessageId))
        {
            if (RelanceMessageId().Match(message.MessageId.Trim().TrimStart('<').TrimEnd('>')) is { Success: true } match)
                byMessageId = Guid.ParseExact(match.Groups[1].Value, "N");
            else reasons.Add(("messageId", $"'{message.MessageId}' is not the Message-Id of an email of Relance (<32 hexadecimal digits>@relance)"));
        }
        if (!string.IsNullOrWhiteSpace(message.CorrespondenceId))
        {
            if (Guid.TryParse(message.CorrespondenceId.Trim(), out var id)) byId = id;
            else reasons.Add(("correspondenceId", $"'{message.CorrespondenceId}' is not a correspondence id (a GUID)"));
        }
        if (string.IsNullOrWhiteSpace(message.MessageId) && string.IsNullOrWhiteSpace(message.CorrespondenceId))
            reasons.Add(("messageId", "required, or correspondenceId: which email bounced"));
        if (byMessageId is { } a && byId is { } b && a != b)
            reasons.Add(("correspondenceId", $"names correspondence {b}, but messageId names {a}"));
        if (string.IsNullOrWhiteSpace(message.Recipient) || !MailboxAddress.TryParse(message.Recipient.Trim(), out var mailbox) || !mailbox.Address.Contains('@'))
            reasons.Add(("recipient", $"required: the address that bounced; '{message.Recipient}' is none"));
        if (string.IsNullOrWhiteSpace(message.StatusCode) || !StatusCode().IsMatch(message.StatusCode.Trim()))
            reasons.Add(("statusCode", $"required: an SMTP failure code (4xx, 5xx) or an enhanced one (5.1.1); '{message.StatusCode}' is none"));
        if (message.Diagnostic is { Length: > 2000 }) reasons.Add(("diagnostic", "must be at most 2000 characters"));
        if (message.BouncedAt is null) reasons.Add(("bouncedAt", "required: when the mail system gave up"));
        if (reasons.Count > 0) throw new MessageRejectedException(reasons);

        return ((byMessageId ?? byId)!.Value.ToString(), new CorrespondenceBounced(message.Recipient!.Trim(), message.StatusCode!.Trim(),
            string.IsNullOrWhiteSpace(message.Diagnostic) ? null : message.Diagnostic.Trim(), message.BouncedAt!.Value, now));
    }

    /// <summary>Records the bounce, without committing; refuses one about no email of this service. Returns whether it was new.</summary>
    public static async Task<bool> Record(IDocumentSession session, string correspondenceId, CorrespondenceBounced bounced, CancellationToken cancellation)
    {
        var found = await session.LoadAsync<Correspondence>(correspondenceId, cancellation);
        if (found is null)
            throw new MessageRejectedException([("correspondenceId", $"no correspondence {correspondenceId}")]);
        if (found.Request.Channel != Channels.Email)
            throw new MessageRejectedException([("correspondenceId", $"correspondence {correspondenceId} is a {found.Request.Channel}, not an email")]);
        var events = await session.AppendDecisionAsync<Correspondence>(correspondenceId, s => CorrespondenceDecider.RecordBounce(bounced, s), cancellation);
        return events.Count > 0;
    }

    [GeneratedRegex("^([0-9a-fA-F]{32})@relance$")]
    private static partial Regex RelanceMessageId();

    [GeneratedRegex(@"^([45][0-9]{2}|[45]\.[0-9]{1,3}\.[0-9]{1,3})$")]
    private static partial Regex StatusCode();
}
