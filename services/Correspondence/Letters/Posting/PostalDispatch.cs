using Marten;
using PdfSharp.Pdf.IO;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Email;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Letters.Posting;

/// <summary>
/// Hands a rendered letter to the postal provider, then records it (queued for posting, and handed over with the
/// provider's reference) in one append. The provider is asked first whether it already has the letter: a
/// process that died after the hand-over and before the record finds it there on the redelivery, and records
/// it without handing it over a second time.
/// </summary>
public sealed class PostalDispatch(IPostalProvider provider, SenderIdentity sender, TimeProvider clock, ILogger<PostalDispatch> logger)
{
    public async Task HandOver(IDocumentSession session, Correspondence state, CancellationToken cancellation)
    {
        var (request, rendered) = (state.Request, state.Rendered!);
        var letter = LetterOf(state);
        var handOver = await provider.Find(state.Id, cancellation) is { } found && found.ContentSha256 == rendered.ContentSha256
            ? found
            : await provider.HandOver(letter, cancellation);

        var now = clock.GetUtcNow();
        var queued = new LetterQueuedForPosting(request.Channel, request.Recipient.Name, request.Recipient.PostalAddress!, rendered.ContentSha256, now);
        var handedOver = new LetterHandedToPostalProvider(handOver.Provider, handOver.Reference, handOver.ContentSha256, handOver.HandedOverAt);
        await session.DecideAsync<Correspondence>(state.Id, s => PostalDecider.HandedOver(queued, handedOver, s), cancellation);
        logger.LogInformation("Handed {Step} {CorrespondenceId} to postal provider {Provider} ({Reference}) for {Channel} to {Address}, {Pages} pages, SHA-256 {Sha256}",
            request.Step, state.Id, handOver.Provider, handOver.Reference, request.Channel,
            PostalAddresses.OnOneLine(request.Recipient.Name, request.Recipient.PostalAddress!), letter.PageCount, rendered.ContentSha256);
    }

    LetterForPosting LetterOf(Correspondence state)
    {
        var (request, rendered) = (state.Request, state.Rendered!);
        var pdf = rendered.Pdf ?? throw new InvalidOperationException($"letter {state.Id} was rendered before letters were PDF: it cannot be handed to a postal provider");
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        var letterhead = sender.LetterheadOf(request.CompanyId);
        return new LetterForPosting(state.Id, request.ReminderId, request.CompanyId, request.CaseId, request.Channel,
            request.Recipient.Name, request.Recipient.PostalAddress!, letterhead.Creditor, letterhead.Address,
            pdf, document.PageCount, rendered.ContentSha256, rendered.Template, request.AsOf);
    }
}
