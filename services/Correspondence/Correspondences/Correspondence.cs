using System.Collections.Immutable;

namespace Relance.CorrespondenceService.Correspondences;

// The persisted schema of one correspondence (a document sent to a debtor): requested, rendered with the
// exact bytes and their SHA-256, then sent or failed. Its stream key is the reminder id it was asked for.

public sealed record CorrespondenceRequested(
    Guid ReminderId,
    string CaseId,
    string CompanyId,
    string Step,
    string Channel,
    Recipient Recipient,
    ImmutableList<ChasedInvoice> Invoices,
    DateOnly AsOf,
    DateTimeOffset RequestedAt);

public sealed record Recipient(string CustomerId, string Name, string Email);

public sealed record ChasedInvoice(string InvoiceNumber, DateOnly IssueDate, DateOnly DueDate, decimal Outstanding, string Currency);

/// <param name="Template">Which template and version produced the content.</param>
/// <param name="Mime">The exact message to send (RFC 5322, 7-bit), whose SHA-256 is <paramref name="ContentSha256"/>.</param>
public sealed record CorrespondenceRendered(
    string Template,
    string Subject,
    string Mime,
    string ContentSha256,
    DateTimeOffset RenderedAt);

public sealed record CorrespondenceSent(
    string Channel,
    string Recipient,
    string ProviderResponse,
    string ContentSha256,
    DateTimeOffset SentAt);

public sealed record CorrespondenceSendingFailed(string Reason, DateTimeOffset FailedAt);

public enum CorrespondenceStatus { Requested, Rendered, Sent }

public sealed record Correspondence(
    string Id,
    CorrespondenceRequested Request,
    CorrespondenceRendered? Rendered,
    CorrespondenceSent? Sent,
    int Failures)
{
    public CorrespondenceStatus Status =>
        Sent is not null ? CorrespondenceStatus.Sent
        : Rendered is not null ? CorrespondenceStatus.Rendered
        : CorrespondenceStatus.Requested;
}

public static class CorrespondenceEvolution
{
    public static Correspondence? Evolve(Correspondence? state, object @event) => (state, @event) switch
    {
        (null, CorrespondenceRequested requested) => new Correspondence(requested.ReminderId.ToString(), requested, null, null, 0),
        (null, _) => null,
        (_, CorrespondenceRendered rendered) => state with { Rendered = rendered },
        (_, CorrespondenceSent sent) => state with { Sent = sent },
        (_, CorrespondenceSendingFailed) => state with { Failures = state.Failures + 1 },
        _ => state,
    };
}
