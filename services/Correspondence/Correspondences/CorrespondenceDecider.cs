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

/// <summary>
/// Pure decisions on a letter's way through the postal service: its hand-over, then its tracking. Facts may arrive in any order and more than once: the same fact
/// again records nothing; a delivery, an acknowledgment or a return heard of before the posting implies it was
/// posted (the posting is recorded when it comes); a fact that contradicts what is recorded (another tracking
/// number, another date, a delivery after a return) is refused with the reason, never silently overwritten.
/// </summary>
public static class PostalDecider
{
    /// <summary>Queued for posting and handed over, recorded together, once.</summary>
    public static IReadOnlyList<object> HandedOver(LetterQueuedForPosting queued, LetterHandedToPostalProvider handedOver, Correspondence? state) =>
        CorrespondenceDecider.RecordQueuedForPosting(queued, state).Count == 0 ? [] : [queued, handedOver];

    public static IReadOnlyList<object> Track(TrackingLetter.TrackLetter command, Correspondence? state)
    {
        if (state is null)
            throw Refused(("correspondenceId", $"no correspondence {command.CorrespondenceId}"));
        var channel = state.Request.Channel;
        if (!Channels.IsLetter(channel))
            throw Refused(("correspondenceId", $"correspondence {state.Id} is an {channel}, not a letter: only letters have postal tracking"));
        if (state.QueuedForPosting is null)
            throw Refused(("correspondenceId", $"letter {state.Id} has not been handed to the postal service yet"));

        var trail = state.Postal ?? new PostalTrail();
        var reasons = new List<(string, string)>();
        var handedOverOn = DateOnly.FromDateTime(state.QueuedForPosting.QueuedAt.UtcDateTime);
        // A day's slack: the provider's day is French time, the hand-over's is UTC.
        if (command.On < handedOverOn.AddDays(-1))
            reasons.Add(("date", $"{command.On:yyyy-MM-dd} is before the letter was handed over ({handedOverOn:yyyy-MM-dd})"));
        if (command.TrackingNumber is { } number && trail.Posted is { } known && known.TrackingNumber != number)
            reasons.Add(("trackingNumber", $"letter {state.Id} was posted under {known.TrackingNumber}, not {number}"));
        if (command.Update != TrackingLetter.LetterUpdates.Posted && trail.Posted is { } posted && command.On < posted.PostedOn)
            reasons.Add(("date", $"{command.On:yyyy-MM-dd} is before the posting ({posted.PostedOn:yyyy-MM-dd})"));
        if (reasons.Count > 0) throw Refused([.. reasons]);

        return command.Update switch
        {
            TrackingLetter.LetterUpdates.Posted => Posted(command, trail),
            TrackingLetter.LetterUpdates.Delivered => Delivered(command, trail),
            TrackingLetter.LetterUpdates.Acknowledged => Acknowledged(command, trail, channel),
            _ => Returned(command, trail),
        };
    }

    static IReadOnlyList<object> Posted(TrackingLetter.TrackLetter c, PostalTrail trail)
    {
        if (trail.Posted is { } posted)
            return posted.PostedOn == c.On ? [] : throw Refused(("date", $"already recorded as posted on {posted.PostedOn:yyyy-MM-dd}"));
        if (Later(trail) is { } later && later.On < c.On)
            throw Refused(("date", $"{c.On:yyyy-MM-dd} is after the letter was {later.What} ({later.On:yyyy-MM-dd})"));
        return [new LetterPosted(c.TrackingNumber!, c.On, c.Source, c.Now)];
    }

    static IReadOnlyList<object> Delivered(TrackingLetter.TrackLetter c, PostalTrail trail)
    {
        if (trail.Returned is { } returned)
            throw Refused(("update", $"the letter came back undelivered ({returned.Reason}, {returned.ReturnedOn:yyyy-MM-dd})"));
        if (trail.Delivered is { } delivered)
            return delivered.DeliveredOn == c.On ? [] : throw Refused(("date", $"already recorded as delivered on {delivered.DeliveredOn:yyyy-MM-dd}"));
        if (trail.Acknowledged is { } acknowledged && acknowledged.SignedOn < c.On)
            throw Refused(("date", $"{c.On:yyyy-MM-dd} is after the acknowledgment of receipt was signed ({acknowledged.SignedOn:yyyy-MM-dd})"));
        return [new LetterDelivered(c.On, c.Source, c.Now)];
    }

    static IReadOnlyList<object> Acknowledged(TrackingLetter.TrackLetter c, PostalTrail trail, string channel)
    {
        if (channel != Channels.RegisteredLetter)
            throw Refused(("update", $"a {channel} has no acknowledgment of receipt; only a {Channels.RegisteredLetter} has"));
        if (trail.Returned is { } returned)
            throw Refused(("update", $"the letter came back undelivered ({returned.Reason}, {returned.ReturnedOn:yyyy-MM-dd})"));
        if (trail.Acknowledged is { } acknowledged)
        {
            if (acknowledged.SignedOn != c.On)
                throw Refused(("date", $"the acknowledgment was recorded as signed on {acknowledged.SignedOn:yyyy-MM-dd}"));
            return (c.Card, trail.AcknowledgmentCard) switch
            {
                ({ } card, null) => [new AcknowledgmentCardArchived(card, c.Source, c.Now)],
                ({ } card, { } archived) when card.Sha256 != archived.Sha256 =>
                    throw Refused(("acknowledgmentCard", $"another card was archived (SHA-256 {archived.Sha256})")),
                _ => [],
            };
        }
        if (trail.Delivered is { } delivered && c.On < delivered.DeliveredOn)
            throw Refused(("date", $"{c.On:yyyy-MM-dd} is before the delivery ({delivered.DeliveredOn:yyyy-MM-dd})"));
        return [new LetterReceiptAcknowledged(c.On, c.Card, c.Source, c.Now)];
    }

    static IReadOnlyList<object> Returned(TrackingLetter.TrackLetter c, PostalTrail trail)
    {
        if (trail.Acknowledged is not null || trail.Delivered is not null)
            throw Refused(("update", $"the letter was recorded as delivered ({(trail.Acknowledged?.SignedOn ?? trail.Delivered!.DeliveredOn):yyyy-MM-dd})"));
        if (trail.Returned is { } returned)
            return returned.Reason == c.ReturnReason && returned.ReturnedOn == c.On ? []
                : throw Refused(("returnReason", $"already recorded as returned ({returned.Reason}) on {returned.ReturnedOn:yyyy-MM-dd}"));
        return [new LetterReturnedUndelivered(c.ReturnReason!, c.FirstPresentedOn, c.On, c.Source, c.Now)];
    }

    // The earliest fact after the posting already recorded, for a posting heard of late.
    static (string What, DateOnly On)? Later(PostalTrail trail) =>
        new (string, DateOnly)?[]
        {
            trail.Delivered is { } d ? ("delivered", d.DeliveredOn) : null,
            trail.Acknowledged is { } a ? ("acknowledged", a.SignedOn) : null,
            trail.Returned is { } r ? ("first presented", r.FirstPresentedOn ?? r.ReturnedOn) : null,
        }.Where(x => x is not null).OrderBy(x => x!.Value.Item2).FirstOrDefault();

    static MessageRejectedException Refused(params (string Field, string Error)[] reasons) => new(reasons);
}
