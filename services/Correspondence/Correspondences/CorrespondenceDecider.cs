using MimeKit;
using Relance.CorrespondenceService.Correspondences.Reconciling;
using Relance.CorrespondenceService.Correspondences.Withdrawing;
using Relance.CorrespondenceService.Sms;
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
        state is { Rendered: null, Stopped: false } ? [rendered] : [];

    /// <summary>A recorded request its rendering refused, recorded once: it is not carried out, nor tried again.</summary>
    public static IReadOnlyList<object> RefuseRendering(IReadOnlyList<(string Field, string Error)> reasons, DateTimeOffset now, Correspondence? state) =>
        state is { Rendered: null, Stopped: false }
            ? [new CorrespondenceRefused([.. reasons.Select(r => new RefusalReason(r.Field, r.Error))], now)] : [];

    /// <summary>
    /// What the reconciler does with a correspondence left half-done, at <paramref name="now"/>. An open attempt is looked
    /// up whatever its age (the provider may have it); otherwise one older than <see cref="ReconcilerOptions.MaxAge"/>
    /// (from its request) is abandoned, and one that failed waits interval × 2^failures (at most
    /// <see cref="ReconcilerOptions.MaxBackoff"/>) after its last failure, so that a provider refusing for hours is not
    /// asked again every pass.
    /// </summary>
    public static ReconcileStep Reconcile(Correspondence state, DateTimeOffset now, ReconcilerOptions options) => state switch
    {
        { Dispatched: true } or { OutcomeUnknown: not null } or { LastFailure.Permanent: true } or { Stopped: true } =>
            ReconcileStep.Leave,
        { Attempt: not null } => ReconcileStep.CarryOn,
        _ when now - state.Request.RequestedAt > options.MaxAge => ReconcileStep.Abandon,
        { LastFailure: { } failure } when now < failure.FailedAt + Backoff(state.Failures, options) => ReconcileStep.Wait,
        _ => ReconcileStep.CarryOn,
    };

    /// <summary>How long after its last failure a correspondence that failed <paramref name="failures"/> times is tried again.</summary>
    public static TimeSpan Backoff(int failures, ReconcilerOptions options)
    {
        // 2^20 intervals is beyond any sensible maximum, and far from overflowing.
        var backoff = options.Interval * Math.Pow(2, Math.Clamp(failures, 0, 20));
        return backoff < options.MaxBackoff ? backoff : options.MaxBackoff;
    }

    /// <summary>Given up on, once, when the reconciler finds it too old to send.</summary>
    public static IReadOnlyList<object> Abandon(DateTimeOffset now, ReconcilerOptions options, Correspondence? state) =>
        state is not null && Reconcile(state, now, options) == ReconcileStep.Abandon
            ? [new CorrespondenceAbandoned($"not dispatched within {options.MaxAge} of its request ({state.Request.RequestedAt:u}): too old to send", now)]
            : [];

    public static IReadOnlyList<object> RecordSent(CorrespondenceSent sent, Correspondence? state) =>
        state is { Rendered: not null, Dispatched: false } && !Channels.IsLetter(state.Request.Channel) ? [sent] : [];

    public static IReadOnlyList<object> RecordQueuedForPosting(LetterQueuedForPosting queued, Correspondence? state) =>
        state is { Rendered: not null, Dispatched: false, Stopped: false } && Channels.IsLetter(state.Request.Channel) ? [queued] : [];

    public static IReadOnlyList<object> RecordFailure(CorrespondenceSendingFailed failed, Correspondence? state) =>
        state is { Dispatched: false } ? [failed] : [];

    /// <summary>
    /// What carrying out an email or an SMS needs next. Never <see cref="DispatchStep.Send"/> while an attempt is open
    /// (the provider may have it: ask first) or its outcome unknown (a person decides), nor after a permanent refusal.
    /// </summary>
    public static DispatchStep NextStep(Correspondence state) => state switch
    {
        { Rendered: null } or { Dispatched: true } or { LastFailure.Permanent: true } => DispatchStep.Nothing,
        { Stopped: true } => DispatchStep.Nothing,
        _ when Channels.IsLetter(state.Request.Channel) => DispatchStep.Nothing,
        { OutcomeUnknown: not null } => DispatchStep.AwaitPerson,
        { Attempt: not null } => DispatchStep.Lookup,
        _ => DispatchStep.Send,
    };

    /// <summary>
    /// The Reminder service's withdrawal: stops what has not left (<see cref="CorrespondenceWithdrawn"/>); recorded as too
    /// late when it has, or when its provider may have it (an attempt open, its outcome unknown); nothing when it never
    /// leaves anyway (abandoned, refused, failed for good) or was answered already. None before the request is recorded:
    /// the request, when it comes, is withdrawn then (<see cref="SendingReminder.SendReminderHandler"/>).
    /// </summary>
    public static IReadOnlyList<object> Withdraw(Withdrawal withdrawal, DateTimeOffset now, Correspondence? state) => state switch
    {
        null or { Stopped: true } or { WithdrawalTooLate: not null } or { LastFailure.Permanent: true } => [],
        { Sent: not null } => [new CorrespondenceWithdrawalTooLate(withdrawal.Reason, $"sent {state.Sent.SentAt:u}", withdrawal.RecalledAt, now)],
        { QueuedForPosting: not null } => [new CorrespondenceWithdrawalTooLate(withdrawal.Reason, $"queued for posting {state.QueuedForPosting.QueuedAt:u}", withdrawal.RecalledAt, now)],
        { Attempt: not null } or { OutcomeUnknown: not null } =>
            [new CorrespondenceWithdrawalTooLate(withdrawal.Reason, $"the {state.Request.Channel} provider may have it already", withdrawal.RecalledAt, now)],
        _ => [new CorrespondenceWithdrawn(withdrawal.Reason, withdrawal.RecalledAt, now)],
    };

    /// <summary>The intent, committed before the provider is called.</summary>
    public static IReadOnlyList<object> Start(DispatchStarted started, Correspondence? state) =>
        state is not null && NextStep(state) == DispatchStep.Send && started.Channel == state.Request.Channel ? [started] : [];

    /// <summary>
    /// What the provider said of the open attempt: it has it (sent, recorded without sending again); it has not (nothing
    /// recorded: send it under the same attempt); it cannot tell (recorded unknown, left to a person).
    /// </summary>
    public static IReadOnlyList<object> RecordLookup(DispatchLookup lookup, DateTimeOffset now, Correspondence? state) =>
        (state, lookup) switch
        {
            ({ Attempt: { } attempt, Rendered: { } rendered } s, DispatchLookup.Found found) when NextStep(s) == DispatchStep.Lookup =>
                [new CorrespondenceSent(attempt.Channel, RecipientAddress(s.Request), found.Response, rendered.ContentSha256, now)
                    { AttemptId = attempt.AttemptId, ProviderMessageId = found.ProviderMessageId }],
            ({ Attempt: { } attempt } s, DispatchLookup.CannotTell cannot) when NextStep(s) == DispatchStep.Lookup =>
                [new DispatchOutcomeUnknown(attempt.Channel, attempt.AttemptId, cannot.Reason, now)],
            _ => [],
        };

    /// <summary>A person confirms that the attempt of unknown outcome did leave.</summary>
    public static IReadOnlyList<object> ConfirmSent(string by, string reason, DateTimeOffset now, Correspondence? state) =>
        state is { OutcomeUnknown: { } unknown, Rendered: { } rendered, Dispatched: false }
            ? [new SendingConfirmed(unknown.AttemptId, by, reason, now),
               new CorrespondenceSent(unknown.Channel, RecipientAddress(state.Request), $"confirmed by {by}: {reason}", rendered.ContentSha256, now)
                   { AttemptId = unknown.AttemptId }]
            : [];

    /// <summary>A person orders the correspondence of unknown outcome sent again; the send itself is a new attempt.</summary>
    public static IReadOnlyList<object> OrderResend(string by, string reason, DateTimeOffset now, Correspondence? state) =>
        state is { OutcomeUnknown: { } unknown, Dispatched: false } ? [new ResendOrdered(unknown.AttemptId, by, reason, now)] : [];

    /// <summary>
    /// A bounce of an email that was handed to the SMTP server (or may have been); the same bounce twice is recorded once. A
    /// bounce carrying our Message-Id proves the server took the email: an attempt still open or of unknown outcome is
    /// first recorded sent, so that nobody sends it again and its sending is announced.
    /// </summary>
    public static IReadOnlyList<object> RecordBounce(CorrespondenceBounced bounced, Correspondence? state) =>
        state is { Request.Channel: Channels.Email } && (state.Sent is not null || state.Attempt is not null || state.OutcomeUnknown is not null)
        && !state.Bounces.Exists(b => b with { RecordedAt = bounced.RecordedAt } == bounced)
            ? [.. SentAsProvenBy(state, "accepted; bounced later", $"<{Email.MimeMessages.MessageId(state.Request.ReminderId)}>", bounced.RecordedAt), bounced] : [];

    /// <summary>
    /// The SMS gateway's delivery report of the message it has: recorded once, and only for the message id the gateway
    /// gave when it took the SMS (a report of another id is refused). Delivered is final: a later failure report is not
    /// recorded (nor announced); a delivery after a failure is (the gateway tried again). Like a bounce, a report proves
    /// the gateway took the SMS: an attempt still open or of unknown outcome is first recorded sent under the report's id.
    /// </summary>
    public static IReadOnlyList<object> RecordDeliveryReport(DeliveryReported report, Correspondence? state)
    {
        if (state is not { Request.Channel: Channels.Sms } || (state.Sent is null && state.Attempt is null && state.OutcomeUnknown is null))
            return [];
        if (state.Sent?.ProviderMessageId is { } sentId && sentId != report.ProviderMessageId)
            throw Refused(("id", $"the SMS of correspondence {state.Id} was sent as message {sentId}, not {report.ProviderMessageId}"));
        if (state.Delivery?.Status == report.Status || state.Delivery?.Status == DeliveryStatuses.Delivered)
            return [];
        return [.. SentAsProvenBy(state, $"accepted; delivery report '{report.Status}' later", report.ProviderMessageId, report.RecordedAt), report];
    }

    // The attempt open or of unknown outcome, recorded sent on the provider's later word; nothing when it is recorded sent already.
    static IEnumerable<object> SentAsProvenBy(Correspondence state, string response, string providerMessageId, DateTimeOffset now)
    {
        if (state is not { Sent: null, Rendered: { } rendered }) yield break;
        var (channel, attempt) = state.Attempt is { } open ? (open.Channel, open.AttemptId) : (state.OutcomeUnknown!.Channel, state.OutcomeUnknown.AttemptId);
        yield return new CorrespondenceSent(channel, RecipientAddress(state.Request), response, rendered.ContentSha256, now)
            { AttemptId = attempt, ProviderMessageId = providerMessageId };
    }

    /// <summary>Where the correspondence goes, as its provider knows it: the email address, the phone number in E.164.</summary>
    public static string RecipientAddress(CorrespondenceRequested request) => request.Channel switch
    {
        Channels.Sms => PhoneNumbers.FrenchMobile(request.Recipient.Phone) ?? request.Recipient.Phone ?? "",
        _ => request.Recipient.Email,
    };

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
            case Channels.Sms when PhoneNumbers.FrenchMobile(request.Recipient.Phone) is null:
                reasons.Add(("Recipient.Phone", $"an SMS needs a French mobile number (06…, 07…, +33 6…, +33 7…); '{request.Recipient.Phone}' is none"));
                break;
            case Channels.Email or Channels.Letter or Channels.RegisteredLetter or Channels.Sms:
                break;
            default:
                reasons.Add(("Channel", $"'{request.Channel}' is not a channel this service carries out ({Channels.Email}, {Channels.Letter}, {Channels.RegisteredLetter}, {Channels.Sms})"));
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

public enum DispatchStep
{
    /// <summary>Not rendered yet, a letter, already sent, or refused for good.</summary>
    Nothing,
    /// <summary>Its outcome is unknown: a person confirms it or orders it sent again.</summary>
    AwaitPerson,
    /// <summary>An attempt is open: ask the provider whether it has it.</summary>
    Lookup,
    Send,
}

/// <summary>A channel adapter's answer to "do you have the message of this correspondence?".</summary>
public abstract record DispatchLookup
{
    public sealed record Found(string ProviderMessageId, string Response) : DispatchLookup;
    public sealed record NotFound : DispatchLookup;
    public sealed record CannotTell(string Reason) : DispatchLookup;
}

/// <summary>What the reconciler does with a correspondence left half-done (<see cref="CorrespondenceDecider.Reconcile"/>).</summary>
public enum ReconcileStep
{
    /// <summary>Nothing for the reconciler: dispatched, refused or given up on, or waiting for a person.</summary>
    Leave,
    /// <summary>It failed not long ago: not tried again before its backoff is over.</summary>
    Wait,
    /// <summary>Through the handler: render, send, or ask the provider about the open attempt.</summary>
    CarryOn,
    /// <summary>Too old to send: recorded abandoned and announced not delivered.</summary>
    Abandon,
}
