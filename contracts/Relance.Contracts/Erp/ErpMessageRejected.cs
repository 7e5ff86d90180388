namespace Relance.Contracts.Erp;

/// <summary>
/// Answer to an ERP message that Relance could not accept. The message itself is kept in the error queue
/// named by <see cref="ErrorQueue"/>, from which it can be inspected and moved back once corrected.
/// </summary>
/// <param name="MessageKind">The routing key the message came with, e.g. invoice.issued.</param>
public sealed record ErpMessageRejected(
    string? MessageId,
    string MessageKind,
    IReadOnlyList<RejectionReason> Reasons,
    string ErrorQueue,
    DateTimeOffset RejectedAt);

/// <param name="Field">JSON path of the offending field, or "$" for the whole message.</param>
public sealed record RejectionReason(string Field, string Error);

/// <summary>Answer to an ERP message that Relance accepted.</summary>
/// <param name="Outcome">"applied" when it changed something, "already-applied" when it was a repeat.</param>
public sealed record ErpMessageAccepted(
    string? MessageId,
    string MessageKind,
    string Outcome,
    DateTimeOffset AcceptedAt);
