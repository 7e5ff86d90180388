using MimeKit;
using Relance.CorrespondenceService.Writing;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Correspondences;

/// <summary>
/// Pure decisions on a correspondence. Intent is recorded before anything leaves (requested, then rendered
/// with the exact bytes), so that a repeated request never renders or sends a second, different document.
/// A request that cannot be carried out as it is (a letter with no postal address, a formal notice with no
/// deadline…) is refused with <see cref="MessageRejectedException"/>: never retried, the message is kept in
/// its error queue with the reasons, and nothing is recorded.
/// </summary>
public static class CorrespondenceDecider
{
    public static IReadOnlyList<object> Request(CorrespondenceRequested request, Correspondence? state)
    {
        if (state is not null)
            return state.Request.Channel == request.Channel ? []
                : throw Refused(("Channel", $"reminder {request.ReminderId} was already requested by {state.Request.Channel}; " +
                                            $"each channel of a step needs a reminder id of its own"));
        var reasons = Check(request);
        return reasons.Count == 0 ? [request] : throw Refused([.. reasons]);
    }

    public static IReadOnlyList<object> Render(CorrespondenceRendered rendered, Correspondence? state) =>
        state is { Rendered: null } ? [rendered] : [];

    public static IReadOnlyList<object> RecordSent(CorrespondenceSent sent, Correspondence? state) =>
        state is { Rendered: not null, Dispatched: false } && !Channels.IsLetter(state.Request.Channel) ? [sent] : [];

    public static IReadOnlyList<object> RecordQueuedForPosting(LetterQueuedForPosting queued, Correspondence? state) =>
        state is { Rendered: not null, Dispatched: false } && Channels.IsLetter(state.Request.Channel) ? [queued] : [];

    public static IReadOnlyList<object> RecordFailure(CorrespondenceSendingFailed failed, Correspondence? state) =>
        state is { Dispatched: false } ? [failed] : [];

    /// <summary>Why the request cannot be carried out as it is; none when it can.</summary>
    public static IReadOnlyList<(string Field, string Error)> Check(CorrespondenceRequested request)
    {
        var reasons = new List<(string, string)>();
        if (request.Invoices.Count == 0) reasons.Add(("Invoices", "no invoice to remind"));
        switch (request.Channel)
        {
            case Channels.Email when !MailboxAddress.TryParse(request.Recipient.Email, out _):
                reasons.Add(("Recipient.Email", $"an email needs the recipient's address; '{request.Recipient.Email}' is none"));
                break;
            case Channels.Email when request.Recipient.AccountManagerEmail is { } copy && !MailboxAddress.TryParse(copy, out _):
                reasons.Add(("Recipient.AccountManagerEmail", $"'{copy}' is not an email address"));
                break;
            case Channels.Letter or Channels.RegisteredLetter when request.Recipient.PostalAddress is null:
                reasons.Add(("Recipient.PostalAddress", $"a {request.Channel} needs the recipient's postal address; none was given"));
                break;
            case Channels.Letter or Channels.RegisteredLetter when request.Recipient.PostalAddress is { } address
                                                                   && (address.Lines.All(string.IsNullOrWhiteSpace) || string.IsNullOrWhiteSpace(address.City)):
                reasons.Add(("Recipient.PostalAddress", $"a {request.Channel} needs a street line and a city; the address given lacks them"));
                break;
            case Channels.Email or Channels.Letter or Channels.RegisteredLetter:
                break;
            default:
                reasons.Add(("Channel", $"'{request.Channel}' is not a channel this service carries out ({Channels.Email}, {Channels.Letter}, {Channels.RegisteredLetter})"));
                break;
        }
        var template = Templates.For(request);
        if (template is null)
            reasons.Add(("Template", $"no template for step '{request.Step}'{(request.Template is null ? "" : $" (template '{request.Template}')")} nor for tone '{request.Tone}'"));
        if (request.PaymentDeadlineDays is <= 0)
            reasons.Add(("PaymentDeadlineDays", $"must be at least one day; was {request.PaymentDeadlineDays}"));
        if (template == TemplateKind.FormalNotice && request.PaymentDeadlineDays is null)
            reasons.Add(("PaymentDeadlineDays", "a formal notice must state the deadline granted to pay; none was given"));
        return reasons;
    }

    static MessageRejectedException Refused(params (string Field, string Error)[] reasons) => new(reasons);
}
