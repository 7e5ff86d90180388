using System.Collections.Immutable;
using System.Text;

namespace Relance.CorrespondenceService.Correspondences;

// The persisted schema of one correspondence (a document sent to a debtor): requested, rendered with the
// exact bytes and their SHA-256, then sent by email or SMS (each dispatch attempt recorded before it starts, its
// outcome after), or queued for posting when it is a letter. Its stream
// key is the reminder id it was asked for. Members added after the first version are optional, with
// defaults, so that the events stored before them still read.

/// <param name="Channel">How it leaves: <see cref="Channels.Email"/>, <see cref="Channels.Letter"/>, <see cref="Channels.RegisteredLetter"/> or <see cref="Channels.Sms"/>.</param>
/// <param name="AsOf">The date the amounts and days late are stated at, and the date the document bears.</param>
public sealed record CorrespondenceRequested(
    Guid ReminderId,
    string CaseId,
    string CompanyId,
    string Step,
    string Channel,
    Recipient Recipient,
    ImmutableList<ChasedInvoice> Invoices,
    DateOnly AsOf,
    DateTimeOffset RequestedAt)
{
    /// <summary>Position of the step on the case's plan, 1 for the first; 0 for an action off the ladder (an invoice resend). Only recorded.</summary>
    public int Level { get; init; } = 1;

    /// <summary><see cref="Tones.Courteous"/>, <see cref="Tones.Firm"/> or <see cref="Tones.Formal"/>.</summary>
    public string Tone { get; init; } = Tones.Courteous;

    /// <summary>The plan's template name for the step, when it named one; the step otherwise.</summary>
    public string? Template { get; init; }

    /// <summary>Days granted to pay from <see cref="AsOf"/>, when the step sets a deadline.</summary>
    public int? PaymentDeadlineDays { get; init; }

    /// <summary>Late-payment penalties and recovery indemnities claimed, per invoice, as the sender computed them.</summary>
    public ImmutableList<Claim> Claims { get; init; } = [];

    /// <summary>The earlier actions of the case, recalled with their dates.</summary>
    public ImmutableList<PreviousAction> PreviousActions { get; init; } = [];

    /// <summary>The language to write in ("fr", "en"): the customer's preferred one. French when there is no template in it.</summary>
    public string Language { get; init; } = "fr";
}

public sealed record Recipient(string CustomerId, string Name, string Email)
{
    /// <summary>The person the correspondence is addressed to, when the ERP named one.</summary>
    public string? ContactName { get; init; }

    public string? Phone { get; init; }

    /// <summary>Where letters go.</summary>
    public PostalAddress? PostalAddress { get; init; }

    /// <summary>Copied on emails when set.</summary>
    public string? AccountManagerEmail { get; init; }
}

public sealed record PostalAddress(ImmutableList<string> Lines, string PostalCode, string City, string Country);

/// <param name="DueDate">The due date in force, postponed or not.</param>
public sealed record ChasedInvoice(string InvoiceNumber, DateOnly IssueDate, DateOnly DueDate, decimal Outstanding, string Currency)
{
    /// <summary>The contract's payment clause, quoted by the reminder letter, when the ERP sent one.</summary>
    public string? PaymentClause { get; init; }

    /// <summary>The due date the invoice was issued with, when known: a <see cref="DueDate"/> after it was postponed.</summary>
    public DateOnly? OriginalDueDate { get; init; }
}

/// <summary>What is claimed on one invoice besides its amount (Code de commerce L441-10 II), computed by the sender.</summary>
/// <param name="RateBasis">Where the rate comes from, printed as it is.</param>
public sealed record Claim(
    string InvoiceNumber,
    int DaysLate,
    decimal AnnualRatePercent,
    string RateBasis,
    decimal Penalty,
    string Currency,
    decimal RecoveryIndemnity,
    string IndemnityCurrency);

public sealed record PreviousAction(string Step, string Channel, DateTimeOffset TakenAt);

/// <param name="Template">Which template and version produced the content.</param>
/// <param name="Mime">For an email: the exact message to send (RFC 5322, 7-bit, CRLF), whose SHA-256 is <paramref name="ContentSha256"/>.</param>
public sealed record CorrespondenceRendered(
    string Template,
    string Subject,
    string? Mime,
    string ContentSha256,
    DateTimeOffset RenderedAt)
{
    /// <summary>For a letter: the exact PDF to print, whose SHA-256 is <see cref="ContentSha256"/>.</summary>
    public byte[]? Pdf { get; init; }

    /// <summary>
    /// For a letter rendered before letters were PDF: the exact document to print (plain text), whose UTF-8
    /// bytes' SHA-256 is <see cref="ContentSha256"/>. Read from the events already stored; no longer written.
    /// </summary>
    public string? Letter { get; init; }

    /// <summary>The SHA-256 of the text of the template <see cref="Template"/> names, as it was read (shipped or overridden).</summary>
    public string? TemplateSha256 { get; init; }

    /// <summary>For an SMS: the exact text sent, whose UTF-8 bytes' SHA-256 is <see cref="ContentSha256"/>.</summary>
    public string? Sms { get; init; }

    /// <summary>The bytes <see cref="ContentSha256"/> is the hash of.</summary>
    public byte[] Bytes() =>
        Pdf ?? ((Letter ?? Sms) is { } text ? Encoding.UTF8.GetBytes(text) : Encoding.ASCII.GetBytes(Mime ?? ""));

    public string MediaType() =>
        Pdf is not null ? "application/pdf" : (Letter ?? Sms) is not null ? "text/plain; charset=utf-8" : "message/rfc822";

    /// <summary>For an email: the invoices' documents attached inside <see cref="Mime"/> (so covered by <see cref="ContentSha256"/>), in order.</summary>
    public ImmutableList<AttachedDocument> Attachments { get; init; } = [];

    /// <summary>For an email: the invoices' documents that should have gone with it and did not, with why.</summary>
    public ImmutableList<MissingDocument> MissingAttachments { get; init; } = [];
}

/// <summary>A document attached to an email; the same content is attached once, under the first invoice that carries it.</summary>
/// <param name="Sha256">Of the document's bytes (decoded), as the recipient saves them.</param>
public sealed record AttachedDocument(string InvoiceNumber, string Kind, string Name, string MediaType, string Sha256, long Length);

public sealed record MissingDocument(string InvoiceNumber, string Kind, string Name, string Reason);

public sealed record CorrespondenceSent(
    string Channel,
    string Recipient,
    string ProviderResponse,
    string ContentSha256,
    DateTimeOffset SentAt)
{
    /// <summary>The dispatch attempt it ends (<see cref="DispatchStarted"/>); none for one sent before attempts were recorded.</summary>
    public Guid? AttemptId { get; init; }

    /// <summary>The provider's id of the message: the email's Message-Id, the SMS gateway's message id.</summary>
    public string? ProviderMessageId { get; init; }
}

/// <summary>
/// A rendered letter handed to the print-and-post queue: not yet posted, still less delivered. Recorded with
/// <see cref="LetterHandedToPostalProvider"/> since there is a postal provider; the provider's tracking records
/// the posting, the delivery, the acknowledgment of a registered letter or its return.
/// </summary>
public sealed record LetterQueuedForPosting(
    string Channel,
    string Addressee,
    PostalAddress Address,
    string ContentSha256,
    DateTimeOffset QueuedAt);

public sealed record CorrespondenceSendingFailed(string Reason, DateTimeOffset FailedAt)
{
    public Guid? AttemptId { get; init; }

    /// <summary>The provider refused it for good (an SMTP 5xx, a number the gateway rejects): sending it again changes nothing.</summary>
    public bool Permanent { get; init; }
}

public static class Channels
{
    public const string Email = "email";
    public const string Letter = "letter";
    public const string RegisteredLetter = "registered-letter";
    public const string Sms = "sms";

    public static bool IsLetter(string channel) => channel is Letter or RegisteredLetter;
}

public static class Tones
{
    public const string Courteous = "courteous";
    public const string Firm = "firm";
    public const string Formal = "formal";
}

/// <summary>
/// Where a correspondence stands, whatever its channel. <see cref="Delivered"/> is an SMS's delivery report or a
/// letter's delivery; <see cref="Posted"/>, <see cref="Acknowledged"/> (a registered letter's acknowledgment of
/// receipt) and <see cref="Returned"/> (undelivered, any reason) are a letter's postal tracking; <see cref="Abandoned"/>, <see cref="Refused"/> and <see cref="Withdrawn"/> never left. Shown by name;
/// members are appended, never reordered.
/// </summary>
public enum CorrespondenceStatus { Requested, Rendered, QueuedForPosting, Sent, Dispatching, OutcomeUnknown, Failed, Delivered, DeliveryFailed, Bounced, Posted, Acknowledged, Returned, Abandoned, Refused, Withdrawn }

public sealed record Correspondence(
    string Id,
    CorrespondenceRequested Request,
    CorrespondenceRendered? Rendered,
    CorrespondenceSent? Sent,
    int Failures)
{
    public LetterQueuedForPosting? QueuedForPosting { get; init; }

    /// <summary>Where a letter is with the postal service: handed over, posted, delivered, acknowledged, returned.</summary>
    public PostalTrail? Postal { get; init; }

    /// <summary>The dispatch attempt begun and not ended: the provider may or may not have it.</summary>
    public DispatchStarted? Attempt { get; init; }

    /// <summary>Set when nobody can tell whether the provider has it: a person confirms it or orders it sent again.</summary>
    public DispatchOutcomeUnknown? OutcomeUnknown { get; init; }

    /// <summary>The last failure, when no attempt ended in sending since.</summary>
    public CorrespondenceSendingFailed? LastFailure { get; init; }

    /// <summary>The SMS gateway's last delivery report.</summary>
    public DeliveryReported? Delivery { get; init; }

    public ImmutableList<CorrespondenceBounced> Bounces { get; init; } = [];

    /// <summary>Given up on, too old to send: never dispatched.</summary>
    public CorrespondenceAbandoned? Abandoned { get; init; }

    /// <summary>Refused when rendered after its request was recorded: never dispatched.</summary>
    public CorrespondenceRefused? Refused { get; init; }

    /// <summary>Withdrawn by the Reminder service before it left: never dispatched.</summary>
    public CorrespondenceWithdrawn? Withdrawn { get; init; }

    /// <summary>A withdrawal that came when it had left already, or its provider might have it: recorded, nothing stopped.</summary>
    public CorrespondenceWithdrawalTooLate? WithdrawalTooLate { get; init; }

    /// <summary>Never to be dispatched: given up on, refused, or withdrawn.</summary>
    public bool Stopped => Abandoned is not null || Refused is not null || Withdrawn is not null;

    public CorrespondenceStatus Status =>
        !Bounces.IsEmpty ? CorrespondenceStatus.Bounced
        : Postal?.Returned is not null ? CorrespondenceStatus.Returned
        : Postal?.Acknowledged is not null ? CorrespondenceStatus.Acknowledged
        : Postal?.Delivered is not null ? CorrespondenceStatus.Delivered
        : Postal?.Posted is not null ? CorrespondenceStatus.Posted
        : Delivery is { Status: DeliveryStatuses.Failed } ? CorrespondenceStatus.DeliveryFailed
        : Delivery is { Status: DeliveryStatuses.Delivered } ? CorrespondenceStatus.Delivered
        : Sent is not null ? CorrespondenceStatus.Sent
        : OutcomeUnknown is not null ? CorrespondenceStatus.OutcomeUnknown
        : Attempt is not null ? CorrespondenceStatus.Dispatching
        : Abandoned is not null ? CorrespondenceStatus.Abandoned
        : Withdrawn is not null ? CorrespondenceStatus.Withdrawn
        : Refused is not null ? CorrespondenceStatus.Refused
        : LastFailure is { Permanent: true } ? CorrespondenceStatus.Failed
        : QueuedForPosting is not null ? CorrespondenceStatus.QueuedForPosting
        : Rendered is not null ? CorrespondenceStatus.Rendered
        : CorrespondenceStatus.Requested;

    /// <summary>Gone from this service's hands: sent, or queued for posting.</summary>
    public bool Dispatched => Sent is not null || QueuedForPosting is not null;
}

public static class CorrespondenceEvolution
{
    public static Correspondence? Evolve(Correspondence? state, object @event) => (state, @event) switch
    {
        (null, CorrespondenceRequested requested) => new Correspondence(requested.ReminderId.ToString(), requested, null, null, 0),
        (null, _) => null,
        (_, CorrespondenceRendered rendered) => state with { Rendered = rendered },
        (_, CorrespondenceSent sent) => state with { Sent = sent, Attempt = null, OutcomeUnknown = null, LastFailure = null },
        (_, LetterQueuedForPosting queued) => state with { QueuedForPosting = queued },
        (_, CorrespondenceSendingFailed failed) => state with { Failures = state.Failures + 1, Attempt = null, LastFailure = failed },
        (_, DispatchStarted started) => state with { Attempt = started },
        (_, DispatchOutcomeUnknown unknown) => state with { Attempt = null, OutcomeUnknown = unknown },
        (_, ResendOrdered) => state with { OutcomeUnknown = null },
        (_, DeliveryReported report) => state with { Delivery = report },
        (_, CorrespondenceBounced bounced) => state with { Bounces = state.Bounces.Add(bounced) },
        (_, CorrespondenceAbandoned abandoned) => state with { Abandoned = abandoned },
        (_, CorrespondenceRefused refused) => state with { Refused = refused },
        (_, CorrespondenceWithdrawn withdrawn) => state with { Withdrawn = withdrawn },
        (_, CorrespondenceWithdrawalTooLate late) => state with { WithdrawalTooLate = late },
        (_, LetterHandedToPostalProvider handedOver) => state with { Postal = (state.Postal ?? new PostalTrail()) with { HandedOver = handedOver } },
        (_, LetterPosted posted) => state with { Postal = (state.Postal ?? new PostalTrail()) with { Posted = posted } },
        (_, LetterDelivered delivered) => state with { Postal = (state.Postal ?? new PostalTrail()) with { Delivered = delivered } },
        (_, LetterReceiptAcknowledged acknowledged) => state with { Postal = (state.Postal ?? new PostalTrail()) with { Acknowledged = acknowledged } },
        (_, AcknowledgmentCardArchived card) => state with { Postal = (state.Postal ?? new PostalTrail()) with { Card = card } },
        (_, LetterReturnedUndelivered returned) => state with { Postal = (state.Postal ?? new PostalTrail()) with { Returned = returned } },
        _ => state,
    };
}

// ——— The postal service: a letter handed to a postal provider, and what its tracking tells afterwards ———

/// <summary>The letter's PDF handed to the postal provider (a mail-room folder, a print-and-post service).</summary>
/// <param name="Provider">The configured provider's name (Correspondence:Postal:Provider), e.g. folder.</param>
/// <param name="Reference">The provider's reference for the hand-over (for the folder: the letter's directory).</param>
public sealed record LetterHandedToPostalProvider(string Provider, string Reference, string ContentSha256, DateTimeOffset HandedOverAt);

/// <param name="Source">Who told: the postal provider's message (postal:…) or a person (user:…).</param>
public sealed record LetterPosted(string TrackingNumber, DateOnly PostedOn, string Source, DateTimeOffset RecordedAt);

/// <summary>Delivered, or presented to the addressee (for a registered letter, before its acknowledgment).</summary>
public sealed record LetterDelivered(DateOnly DeliveredOn, string Source, DateTimeOffset RecordedAt);

/// <summary>The acknowledgment of receipt of a registered letter, signed by the addressee: the proof of receipt.</summary>
/// <param name="Card">The scanned card, when sent with it; it may also come later (<see cref="AcknowledgmentCardArchived"/>).</param>
public sealed record LetterReceiptAcknowledged(DateOnly SignedOn, AcknowledgmentCard? Card, string Source, DateTimeOffset RecordedAt);

/// <summary>The scan of a signed acknowledgment of receipt sent after its date, archived with its SHA-256.</summary>
public sealed record AcknowledgmentCardArchived(AcknowledgmentCard Card, string Source, DateTimeOffset RecordedAt);

/// <param name="MediaType">application/pdf, image/jpeg or image/png.</param>
public sealed record AcknowledgmentCard(string MediaType, byte[] Content, string Sha256);

/// <summary>The letter came back: not delivered.</summary>
/// <param name="Reason">One of <see cref="ReturnReasons"/>.</param>
/// <param name="FirstPresentedOn">When it was first presented (for an unclaimed registered letter, the day of the notice left: the day it counts as received).</param>
public sealed record LetterReturnedUndelivered(string Reason, DateOnly? FirstPresentedOn, DateOnly ReturnedOn, string Source, DateTimeOffset RecordedAt);

public static class ReturnReasons
{
    /// <summary>Pli avisé et non réclamé: presented, a notice left, not collected at the post office in time.</summary>
    public const string Unclaimed = "unclaimed";
    /// <summary>Destinataire inconnu à l'adresse / n'habite pas à l'adresse indiquée.</summary>
    public const string AddressUnknown = "address-unknown";
    /// <summary>Refusé par le destinataire.</summary>
    public const string Refused = "refused";

    public static readonly IReadOnlyList<string> All = [Unclaimed, AddressUnknown, Refused];
}

public sealed record PostalTrail
{
    public LetterHandedToPostalProvider? HandedOver { get; init; }
    public LetterPosted? Posted { get; init; }
    public LetterDelivered? Delivered { get; init; }
    public LetterReceiptAcknowledged? Acknowledged { get; init; }
    public AcknowledgmentCardArchived? Card { get; init; }
    public LetterReturnedUndelivered? Returned { get; init; }

    /// <summary>The scanned acknowledgment card, whichever event brought it.</summary>
    public AcknowledgmentCard? AcknowledgmentCard => Acknowledged?.Card ?? Card?.Card;
}

/// <summary>
/// Committed before the provider is asked to carry an email or an SMS: if the process dies before the outcome is
/// recorded, whoever picks the correspondence up next asks the provider about it rather than sending blindly again.
/// </summary>
/// <param name="AttemptId">New for each attempt; the provider knows the message by the correspondence id (its client reference).</param>
public sealed record DispatchStarted(string Channel, Guid AttemptId, DateTimeOffset StartedAt);

/// <summary>
/// An attempt whose outcome the provider cannot tell (plain SMTP cannot be asked whether it accepted a message):
/// not sent again on its own; a person confirms it was sent, or orders it sent again.
/// </summary>
public sealed record DispatchOutcomeUnknown(string Channel, Guid AttemptId, string Reason, DateTimeOffset RecordedAt);

/// <summary>A person's word that the attempt whose outcome was unknown did leave; a <see cref="CorrespondenceSent"/> follows.</summary>
public sealed record SendingConfirmed(Guid AttemptId, string By, string Reason, DateTimeOffset ConfirmedAt);

/// <summary>A person's order to send again a correspondence whose outcome was unknown, accepting that it may arrive twice.</summary>
public sealed record ResendOrdered(Guid AttemptId, string By, string Reason, DateTimeOffset OrderedAt);

/// <summary>The SMS gateway's delivery report: <see cref="DeliveryStatuses.Delivered"/> or <see cref="DeliveryStatuses.Failed"/>.</summary>
public sealed record DeliveryReported(string ProviderMessageId, string Status, string? Detail, DateTimeOffset ReportedAt, DateTimeOffset RecordedAt);

public static class DeliveryStatuses
{
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>An email the mail system returned as undeliverable (a bounce, a delivery status notification).</summary>
/// <param name="StatusCode">The SMTP or enhanced status code (550, 5.1.1).</param>
public sealed record CorrespondenceBounced(string Recipient, string StatusCode, string? Diagnostic, DateTimeOffset BouncedAt, DateTimeOffset RecordedAt);

/// <summary>
/// Given up on by the reconciler: still not dispatched when older than its maximum age (counted from the request), so
/// sending it now would remind the debtor of a situation that may have changed (paid, settled, another step taken).
/// Announced to the Reminder service as not delivered (<c>expired</c>); never sent afterwards.
/// </summary>
public sealed record CorrespondenceAbandoned(string Reason, DateTimeOffset AbandonedAt);

/// <summary>
/// A request recorded, then refused when rendered (an SMS text over its maximum length, the creditor's address gone
/// from the configuration): never dispatched. Announced to the Reminder service as not delivered (<c>refused</c>).
/// </summary>
/// <param name="Reasons">Field and error, as the message went to its error queue with them.</param>
public sealed record CorrespondenceRefused(ImmutableList<RefusalReason> Reasons, DateTimeOffset RefusedAt);

public sealed record RefusalReason(string Field, string Error);

/// <summary>
/// Withdrawn before it left: at the Reminder service's request (every invoice it listed paid, cancelled, contested,
/// held… after it was handed over), or because the Invoice service, asked just before it left, had every invoice it
/// listed paid or cancelled (the reason says which). Never dispatched afterwards. Announced back as withdrawn.
/// </summary>
/// <param name="RecalledAt">When the Reminder service decided to withdraw it, or when the Invoice service was read.</param>
public sealed record CorrespondenceWithdrawn(string Reason, DateTimeOffset RecalledAt, DateTimeOffset WithdrawnAt);

/// <summary>
/// A withdrawal that arrived when the correspondence had left (sent, queued for posting) or while its provider may
/// have it (an attempt open, its outcome unknown): recorded for the proof trail, nothing stopped. Announced back as too late.
/// </summary>
public sealed record CorrespondenceWithdrawalTooLate(string Reason, string Detail, DateTimeOffset RecalledAt, DateTimeOffset RecordedAt);
