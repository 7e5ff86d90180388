using Marten;
using Relance.CorrespondenceService.Correspondences.Withdrawing;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.InvoiceDocuments.AttachingDocuments;
using Relance.CorrespondenceService.Letters.Posting;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Correspondences.SendingReminder;

/// <summary>
/// Carries out a requested reminder, each step recorded before the next: the request and the rendered bytes; for a
/// letter, its hand-over to the postal provider (<see cref="PostalDispatch"/>, which asks the provider first after a crash); for an email or an SMS, the intent (<see cref="DispatchStarted"/>)
/// committed before the provider is called, then what it answered. Whoever finds an attempt open (a redelivery, the
/// <see cref="Reconciling.DispatchReconciler"/> after a crash) asks the channel whether the provider has it rather than
/// sending blindly again: sent is recorded, not sent is sent, and "cannot tell" (SMTP) is recorded unknown for a person.
/// The whole is done under a PostgreSQL advisory lock on the correspondence (<see cref="CorrespondenceLock"/>), so two
/// deliveries of the same request at once are handled one after the other: the second finds the work done and sends
/// nothing. A withdrawal from the Reminder service (<see cref="WithdrawReminderHandler"/>) is looked for before the
/// work and again just before it leaves, once the withdrawals queued for this service are read (<see cref="QueuedWithdrawals"/>);
/// then the Invoice service is asked whether its invoices are still owed (<see cref="InvoicesLastLook"/>). An email waits for the
/// documents of its invoices still being fetched (see <see cref="DocumentsToAttach"/>): nothing is rendered until
/// they are kept, or given up on.
/// </summary>
public sealed class SendReminderHandler(
    IDocumentStore store, IEnumerable<IChannelAdapter> channels, SenderIdentity sender, DocumentsToAttach documents, PostalDispatch postal,
    QueuedWithdrawals withdrawals, InvoicesLastLook lastLook, TimeProvider clock, ILogger<SendReminderHandler> logger)
{
    /// <param name="wait">Wait for whoever holds the correspondence; false: return false at once when someone does.</param>
    public async Task<bool> Handle(CorrespondenceRequested request, Action<IDocumentSession> attribute, CancellationToken cancellation, bool wait = true)
    {
        await using var held = await CorrespondenceLock.TakeAsync(store, request.ReminderId, wait, cancellation);
        if (held is null) return false;
        await HandleLocked(request, attribute, cancellation);
        return true;
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
        if (state.Refused is { } refusal)
            throw new MessageRejectedException([.. refusal.Reasons.Select(r => (r.Field, r.Error))]);
        // A withdrawal that came first (before the request, or while it waited for a retry) stops it here.
        state = await WithdrawIfRecalled(state, attribute, cancellation);
        if (state.Stopped) return;

        if (state.Rendered is null)
        {
            var attachments = state.Request.Channel == Channels.Email
                ? await documents.ForEmail(state.Request, clock.GetUtcNow(), cancellation) : EmailAttachments.None;
            // The check's rendering serves as it is, except for an email, written again with its attachments.
            CorrespondenceRendered final;
            try
            {
                final = state.Request.Channel != Channels.Email && rendered is not null ? rendered
                    : CorrespondenceRendering.Render(state.Request, sender, clock.GetUtcNow(), attachments);
            }
            catch (MessageRejectedException e)
            {
                // The request is recorded: record its refusal too, so that nothing (the reconciler) tries it again.
                await Decide(id, attribute, s => CorrespondenceDecider.RefuseRendering(e.Reasons, clock.GetUtcNow(), s), cancellation);
                throw;
            }
            state = await Decide(id, attribute, s => CorrespondenceDecider.Render(final, s), cancellation);
        }

        // Last look before it leaves: the withdrawals queued for this service read, then this one's looked for; then the
        // Invoice service asked whether its invoices are still owed (a payment it recorded may not have reached the
        // Reminder service yet).
        if (!state.Dispatched && state.Attempt is null && state.OutcomeUnknown is null)
        {
            await withdrawals.WaitUntilRead(cancellation);
            state = await WithdrawIfRecalled(state, attribute, cancellation);
            if (state.Stopped) return;
            if (await lastLook.WithdrawalFor(state.Request, cancellation) is { } paid)
            {
                logger.LogInformation("Correspondence {CorrespondenceId} ({Step}) withdrawn before it left: {Reason}", state.Id, state.Request.Step, paid.Reason);
                state = await Decide(state.Id, attribute, s => CorrespondenceDecider.Withdraw(paid, clock.GetUtcNow(), s), cancellation);
                if (state.Stopped) return;
            }
        }

        if (Channels.IsLetter(state.Request.Channel))
            await QueueForPosting(state, attribute, cancellation);
        else
            await Dispatch(state, attribute, cancellation);

        // A withdrawal that came while it was leaving found this lock taken and left its notice to the holder: recorded
        // here as too late, so that the trail and the Reminder service hear of it.
        await using var reading = store.QuerySession();
        if (await reading.LoadAsync<RecalledReminder>(state.Id, CancellationToken.None) is { } late)
            await Decide(state.Id, attribute, s => CorrespondenceDecider.Withdraw(late.Withdrawal, clock.GetUtcNow(), s), CancellationToken.None);
    }

    // The letter goes to the configured postal provider (Letters/Posting), which records it handed over.
    async Task QueueForPosting(Correspondence state, Action<IDocumentSession> attribute, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        attribute(session);
        await postal.HandOver(session, state, cancellation);
    }

    async Task Dispatch(Correspondence state, Action<IDocumentSession> attribute, CancellationToken cancellation)
    {
        var (id, request) = (state.Id, state.Request);
        var channel = channels.Single(c => c.Channel == request.Channel);
        switch (CorrespondenceDecider.NextStep(state))
        {
            case DispatchStep.Nothing:
                return;
            case DispatchStep.AwaitPerson:
                logger.LogWarning("Correspondence {CorrespondenceId} was perhaps sent ({Reason}): not sent again until a person confirms it or orders it resent",
                    id, state.OutcomeUnknown!.Reason);
                return;
            case DispatchStep.Lookup:
                var lookup = await channel.LookupAsync(state, cancellation);
                logger.LogInformation("Attempt {AttemptId} of correspondence {CorrespondenceId} was open; the {Channel} provider says: {Lookup}",
                    state.Attempt!.AttemptId, id, request.Channel, lookup);
                // What the provider answered is recorded even when the host is stopping: it cannot be asked twice for free.
                state = await Decide(id, attribute, s => CorrespondenceDecider.RecordLookup(lookup, clock.GetUtcNow(), s), CancellationToken.None);
                if (lookup is not DispatchLookup.NotFound) return;
                break;
            case DispatchStep.Send:
                state = await Decide(id, attribute, s => CorrespondenceDecider.Start(new DispatchStarted(request.Channel, Guid.NewGuid(), clock.GetUtcNow()), s), cancellation);
                break;
        }

        var attempt = state.Attempt!.AttemptId;
        // From here the provider's answer is recorded whatever happens to the host (CancellationToken.None below): an answer
        // lost to a shutdown would leave the attempt open, and an email then waits for a person though the server said yes or no.
        SendOutcome outcome;
        try
        {
            outcome = await channel.SendAsync(state, cancellation);
        }
        catch (DispatchOutcomeAmbiguousException e)
        {
            // The attempt stays open: the next try asks the provider before anything else.
            logger.LogWarning(e, "Correspondence {CorrespondenceId} may or may not have reached the {Channel} provider", id, request.Channel);
            throw;
        }

        switch (outcome)
        {
            case SendOutcome.Accepted accepted:
                await Decide(id, attribute, s => CorrespondenceDecider.RecordSent(
                    new CorrespondenceSent(request.Channel, CorrespondenceDecider.RecipientAddress(request), accepted.Response, state.Rendered!.ContentSha256, clock.GetUtcNow())
                        { AttemptId = attempt, ProviderMessageId = accepted.ProviderMessageId }, s), CancellationToken.None);
                logger.LogInformation("Sent {Step} {CorrespondenceId} by {Channel} to {Recipient}, SHA-256 {Sha256}",
                    request.Step, id, request.Channel, CorrespondenceDecider.RecipientAddress(request), state.Rendered!.ContentSha256);
                break;
            case SendOutcome.Refused refused:
                logger.LogWarning("Sending correspondence {CorrespondenceId} by {Channel} failed: {Reason}", id, request.Channel, refused.Reason);
                await Decide(id, attribute, s => CorrespondenceDecider.RecordFailure(
                    new CorrespondenceSendingFailed(refused.Reason, clock.GetUtcNow()) { AttemptId = attempt, Permanent = refused.Permanent }, s), CancellationToken.None);
                throw refused.Permanent
                    ? new MessageRejectedException([("Recipient", $"the {request.Channel} provider refused it for good: {refused.Reason}")])
                    : new InvalidOperationException($"sending correspondence {id} by {request.Channel} failed: {refused.Reason}");
        }
    }

    /// <summary>
    /// Records the Reminder service's withdrawal of this correspondence, when one came (<see cref="RecalledReminder"/>,
    /// written by <see cref="WithdrawReminderHandler"/> without waiting for this lock, so that it is seen here at once).
    /// </summary>
    async Task<Correspondence> WithdrawIfRecalled(Correspondence state, Action<IDocumentSession> attribute, CancellationToken cancellation)
    {
        if (state.Stopped || state.Dispatched) return state;
        await using var session = store.QuerySession();
        if (await session.LoadAsync<RecalledReminder>(state.Id, cancellation) is not { } recalled) return state;
        logger.LogInformation("Correspondence {CorrespondenceId} ({Step}) withdrawn before it left: {Reason}", state.Id, state.Request.Step, recalled.Reason);
        return await Decide(state.Id, attribute, s => CorrespondenceDecider.Withdraw(recalled.Withdrawal, clock.GetUtcNow(), s), cancellation);
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
