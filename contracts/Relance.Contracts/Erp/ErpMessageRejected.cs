namespace Relance.Contracts.Erp;

/// <summary>
/// Answer to an ERP message that Relance could not accept. The message itself is kept in the error queue
/// named by <see cref="ErrorQueue"/>, from which it can be inspected and moved back once corrected.
/// </summary>
public sealed record ErpMessageRejected(
    string? MessageId,
    string MessageKind,
    IReadOnlyList<RejectionReason> Reasons,
    string ErrorQueue,
    DateTimeOffset RejectedAt);

/// <param name="Field">JSON path of the offending field, or "$" for the whole message.</param>
public sealed record RejectionReason(string Field, string Error);
