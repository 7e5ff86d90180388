using Marten;
using Marten.Storage;
using Npgsql;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.InvoiceDocuments.AttachingDocuments;
using Relance.CorrespondenceService.Letters.Posting;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Correspondences.SendingReminder;

/// <summary>
/// Carries out a requested reminder, in three recorded steps: the request and the rendered bytes are
/// committed before anything leaves; then an email is sent and recorded after the SMTP server accepted it,
/// or a letter is handed to the postal provider and recorded. The whole is done under a PostgreSQL advisory lock on the
/// correspondence, so two deliveries of the same request at once are handled one after the other: the
/// second finds the work done and sends nothing. If the process dies between the SMTP server's acceptance
/// and the record, the lock goes with its connection and a redelivery sends the same stored bytes again
/// (same Message-Id, so the receiving server can tell). An email waits for the documents of its invoices still
/// being fetched (see <see cref="DocumentsToAttach"/>): nothing is rendered until they are kept, or given up on.
/// </summary>
public sealed class SendReminderHandler(
    IDocumentStore store, SmtpSender smtp, SenderIdentity sender, DocumentsToAttach documents, TimeProvider clock, ILogger<SendReminderHandler> logger,
    PostalDispatch postal)
{
    public async Task Handle(CorrespondenceRequested request, Action<IDocumentSession> attribute, CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await connection.OpenAsync(cancellation);
        var key = BitConverter.ToInt64(request.ReminderId.ToByteArray(), 0);
        await using (var lockIt = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } })
            await lockIt.ExecuteNonQueryAsync(cancellation);
        try
        {
            await HandleLocked(request, attribute, cancellation);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection) { Parameters = { new() { Value = key } } };
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    async Task HandleLocked(CorrespondenceRequested request, Action<IDocumentSession> attribute, CancellationToken cancellation)
    {
        var id = request.ReminderId.ToString();

        // A request seen for the first time is rendered before it is recorded: one the templates cannot write as the law
        // wants it (a formal notice lacking a mandatory mention) is refused, and nothing is recorded.
        CorrespondenceRendered? rendered = null;
        await using (var session = store.QuerySession())
            if (await session.LoadAsync<Correspondence>(id, cancellation) is null && CorrespondenceDecider.Check(request).Count == 0)
                rendered = CorrespondenceRendering.Render(request, sender, clock.GetUtcNow());

        var state = await Decide(id, attribute, s => CorrespondenceDecider.Request(request, s), cancellation);
        if (state.Dispatched) return;

        if (state.Rendered is null)
        {
            var attachments = Channels.IsLetter(state.Request.Channel) ? EmailAttachments.None
                : await documents.ForEmail(state.Request, clock.GetUtcNow(), cancellation);
            // The check's rendering serves as it is for a letter; an email is written again with its attachments.
            var final = Channels.IsLetter(state.Request.Channel) && rendered is not null ? rendered
                : CorrespondenceRendering.Render(state.Request, sender, clock.GetUtcNow(), attachments);
            state = await Decide(id, attribute, s => CorrespondenceDecider.Render(final, s), cancellation);
        }

        if (Channels.IsLetter(state.Request.Channel))
            await QueueForPosting(state, attribute, cancellation);
        else
            await SendByEmail(state, attribute, cancellation);
    }

    // The letter goes to the configured postal provider (Letters/Posting), which records it handed over.
    async Task QueueForPosting(Correspondence state, Action<IDocumentSession> attribute, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        attribute(session);
        await postal.HandOver(session, state, cancellation);
    }

    async Task SendByEmail(Correspondence state, Action<IDocumentSession> attribute, CancellationToken cancellation)
    {
        var (id, request, rendered) = (state.Id, state.Request, state.Rendered!);
        string response;
        try
        {
            response = await smtp.SendAsync(rendered.Mime!, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Sending correspondence {CorrespondenceId} to {Recipient} failed", id, request.Recipient.Email);
            await Decide(id, attribute, s => CorrespondenceDecider.RecordFailure(new CorrespondenceSendingFailed(e.Message, clock.GetUtcNow()), s), cancellation);
            throw;
        }

        await Decide(id, attribute, s => CorrespondenceDecider.RecordSent(
            new CorrespondenceSent(request.Channel, request.Recipient.Email, response, rendered.ContentSha256, clock.GetUtcNow()), s), cancellation);
        logger.LogInformation("Sent {Step} {CorrespondenceId} to {Recipient}, SHA-256 {Sha256}",
            request.Step, id, request.Recipient.Email, rendered.ContentSha256);
    }

    async Task<Correspondence> Decide(
        string id, Action<IDocumentSession> attribute, Func<Correspondence?, IReadOnlyList<object>> decide, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        attribute(session);
        await session.DecideAsync(id, decide, cancellation);
        return await session.LoadAsync<Correspondence>(id, cancellation)
            ?? throw new InvalidOperationException($"correspondence {id} has no state after its request");
    }
}
