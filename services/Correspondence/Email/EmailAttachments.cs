using System.Collections.Immutable;
using Relance.CorrespondenceService.Correspondences;

namespace Relance.CorrespondenceService.Email;

/// <summary>A document attached to an email, as the ERP named and typed it.</summary>
public sealed record EmailAttachment(string InvoiceNumber, string Kind, string Name, string MediaType, byte[] Content)
{
    public AttachedDocument Proof() => new(InvoiceNumber, Kind, Name, MediaType, MimeMessages.Sha256(Content), Content.Length);
}

/// <summary>What goes with an email: the documents attached, in order, and those that should have and could not.</summary>
public sealed record EmailAttachments(ImmutableList<EmailAttachment> Attached, ImmutableList<MissingDocument> Missing)
{
    public static readonly EmailAttachments None = new([], []);
}
