using Relance.Contracts.Erp;

namespace Relance.Contracts.Postal;

/// <summary>
/// What a postal provider (or a mail room's tool) tells about a letter it was handed: plain JSON published to
/// the <see cref="PostalTopology.LetterTrackedExchange"/> fanout exchange (contracts/schemas/letter-tracked.schema.json).
/// The same body is accepted by POST /correspondences/{id}/postal-tracking. Every member is optional to the
/// reader so that a missing one is answered by name rather than as unreadable JSON.
/// </summary>
/// <param name="CorrespondenceId">The correspondence id the letter was handed over with (the manifest's correspondenceId).</param>
/// <param name="Update">posted, delivered, acknowledged or returned.</param>
/// <param name="Date">The day it happened: posted on, delivered (presented) on, acknowledgment signed on, returned on.</param>
/// <param name="TrackingNumber">Required when posted; when given with a later update, must match the one recorded.</param>
/// <param name="ReturnReason">For returned: unclaimed, address-unknown or refused.</param>
/// <param name="FirstPresentedOn">For returned: when the letter was first presented; required when unclaimed.</param>
/// <param name="AcknowledgmentCard">For acknowledged: the scanned signed card.</param>
/// <param name="Provider">Who tells, for the proof trail (e.g. the print-and-post service's name).</param>
public sealed record LetterTracked(
    string? CorrespondenceId,
    string? Update,
    DateOnly? Date,
    string? TrackingNumber,
    string? ReturnReason,
    DateOnly? FirstPresentedOn,
    ScannedCard? AcknowledgmentCard,
    string? Provider);

/// <param name="MediaType">application/pdf, image/jpeg or image/png.</param>
/// <param name="ContentBase64">The file, base64-encoded (at most 5 MB decoded).</param>
public sealed record ScannedCard(string? MediaType, string? ContentBase64);

/// <summary>Answer to a tracking message that could not be accepted; the message is kept, unchanged, in <see cref="ErrorQueue"/>.</summary>
public sealed record LetterTrackingRejected(
    string? MessageId,
    string? CorrespondenceId,
    IReadOnlyList<RejectionReason> Reasons,
    string ErrorQueue,
    DateTimeOffset RejectedAt);

/// <summary>Where a postal provider publishes its tracking and hears about refusals: plain AMQP names (contracts/asyncapi.yaml).</summary>
public static class PostalTopology
{
    /// <summary>Fanout exchange a postal provider publishes <see cref="LetterTracked"/> to (set the AMQP message_id).</summary>
    public const string LetterTrackedExchange = "relance.postal.letter-tracked";

    /// <summary>Fanout exchange carrying <see cref="LetterTrackingRejected"/>.</summary>
    public const string TrackingRejectedExchange = "relance.postal.letter-tracking-rejected";

    /// <summary>The durable queue the Correspondence service reads tracking from.</summary>
    public const string LetterTrackedQueue = "correspondence-postal-letter-tracked";

    /// <summary>Where a tracking message that cannot be accepted is kept.</summary>
    public const string LetterTrackedErrorQueue = LetterTrackedQueue + "_error";

    public const string LetterTrackedSchema = "letter-tracked.schema.json";
    public const string TrackingRejectedSchema = "letter-tracking-rejected.schema.json";
}
