using System.Collections.Immutable;
using JasperFx.Events;
using Marten;
using MassTransit;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.Withdrawing;
using Relance.ServiceDefaults;
using Correspondence = Relance.Contracts.Correspondence;

namespace Relance.ReminderService.Integration.Outgoing;

/// <summary>
/// Hands each requested written action (email, SMS, letter, registered letter) to the Correspondence service: a
/// reminder is sent for exactly the requests committed. The Correspondence service keys its work by the
/// reminder id, so a repeat sends nothing twice. Phone steps are tasks for people, not sent anywhere.
/// Once handed over, a reminder none of whose invoices is still to chase (a payment came, a dispute…) is recalled:
/// <see cref="Correspondence.WithdrawReminder"/>, which stops it if it has not left yet (<see cref="ReminderRecall"/>).
/// </summary>
public sealed class ReminderDispatcher(IBus bus, ILogger<ReminderDispatcher> logger) : EventForwarder
{
    public const string SubscriptionName = "reminder-dispatch";

    // Withdrawn or recalled within the page being forwarded: committed with it, so not yet in the states loaded.
    readonly HashSet<Guid> settledInPage = [];

    protected override void BeginPage() => settledInPage.Clear();

    protected override async Task ForwardAsync(IEvent e, IDocumentOperations operations, CancellationToken cancellation)
    {
        if (MayStopChasing(e.Data))
        {
            await RecallAsync(e, operations, cancellation);
            return;
        }
        if (e.Data is not ReminderRequested requested || requested.Channel == Correspondence.ReminderChannels.Phone) return;
        var dunningCase = await StateOf<DunningCase>(operations, e, cancellation);

        // The case may have moved on since the request (a payment, a cancellation, a dispute): send only what is still
        // owed, as it is owed now, and nothing at all when nothing is.
        var stillOwed = ReminderRecall.StillOwed(dunningCase, requested.Level, requested.Invoices);
        var leftOut = requested.Invoices.Select(r => r.InvoiceNumber).Except(stillOwed.Select(i => i.InvoiceNumber)).ToImmutableList();
        if (stillOwed.Count == 0)
        {
            operations.Events.Append(dunningCase.Id, new ReminderWithdrawn(requested.ReminderId, leftOut, $"every invoice it listed was {ReminderRecall.Why}", e.Timestamp));
            settledInPage.Add(requested.ReminderId);
            return;
        }
        if (leftOut.Count > 0)
            operations.Events.Append(dunningCase.Id, new ReminderNarrowed(requested.ReminderId, leftOut, ReminderRecall.Why, e.Timestamp));

        var recipient = requested.Recipient;
        var correspondence = await bus.GetSendEndpoint(new Uri($"queue:{Correspondence.CorrespondenceTopology.SendReminderQueue}"));
        await correspondence.Send(new Correspondence.SendReminder(
            requested.ReminderId,
            dunningCase.Id,
            dunningCase.CompanyId,
            requested.Step,
            new Correspondence.ReminderRecipient(recipient.CustomerId, recipient.Name, recipient.Email ?? "")
            {
                ContactName = recipient.ContactName,
                Phone = recipient.Phone,
                PostalAddress = recipient.PostalAddress is { } a ? new Correspondence.ReminderPostalAddress(a.Lines, a.PostalCode, a.City, a.Country) : null,
                AccountManagerEmail = recipient.AccountManager?.Email,
            },
            [.. stillOwed.Select(i => new Correspondence.ReminderInvoice(i.InvoiceNumber, i.IssueDate, i.DueDate, i.Outstanding, dunningCase.Currency)
            {
                PaymentClause = i.PaymentClause,
                OriginalDueDate = i.OriginalDueDate,
            })],
            DateOnly.FromDateTime(requested.RequestedAt.UtcDateTime))
        {
            Channel = requested.Channel,
            Level = requested.Level,
            Tone = requested.Tone,
            Template = requested.Template,
            PaymentDeadlineDays = requested.PaymentDeadlineDays,
            Claims = [.. requested.Claims.Where(c => stillOwed.Exists(i => i.InvoiceNumber == c.InvoiceNumber)).Select(c =>
                new Correspondence.ReminderClaim(c.InvoiceNumber, c.DaysLate, c.AnnualRatePercent, c.RateBasis, c.Penalty, dunningCase.Currency, c.RecoveryIndemnity, c.IndemnityCurrency))],
            // The earlier actions that really happened about these invoices: sent, or a call that reached someone, when it did.
            PreviousActions = [.. dunningCase.Requested
                .Where(r => r.ActionId != requested.ActionId && r.RequestedAt <= requested.RequestedAt
                    && (dunningCase.SentReminders.Contains(r.ReminderId) || dunningCase.CallsMade.Contains(r.ReminderId))
                    && r.Invoices.Exists(i => stillOwed.Exists(o => o.InvoiceNumber == i.InvoiceNumber)))
                .Select(r => new Correspondence.PreviousReminderAction(r.Step, r.Channel,
                    dunningCase.CallsMadeAt.Find(c => c.CallId == r.ReminderId)?.At ?? r.RequestedAt))
                .OrderBy(a => a.TakenAt)],
            Language = dunningCase.Customer.PreferredLanguage ?? "fr",
        }, send => send.StampFrom(e), cancellation);
    }

    // What can leave a reminder's invoices with nothing to chase: a payment or a cancellation (the invoice leaves the
    // case), a dispute, a hold on an invoice, a promise, a payment plan. Only these make the case be looked at again.
    static bool MayStopChasing(object data) =>
        data is InvoiceLeftCase or InvoiceDisputed or InvoiceHoldSet or PaymentPromised or PaymentPlanAgreed;

    async Task RecallAsync(IEvent e, IDocumentOperations operations, CancellationToken cancellation)
    {
        var dunningCase = await operations.LoadAsync<DunningCase>(e.StreamKey!, cancellation);
        foreach (var recalled in ReminderRecall.Recall(dunningCase, e.Timestamp).Where(r => !settledInPage.Contains(r.ReminderId)))
        {
            operations.Events.Append(dunningCase!.Id, recalled);
            settledInPage.Add(recalled.ReminderId);
            logger.LogInformation("Reminder {ReminderId} of case {CaseId} recalled from the Correspondence service: {Reason}", recalled.ReminderId, dunningCase.Id, recalled.Reason);
            var withdrawals = await bus.GetSendEndpoint(new Uri($"queue:{Correspondence.CorrespondenceTopology.WithdrawReminderQueue}"));
            await withdrawals.Send(new Correspondence.WithdrawReminder(recalled.ReminderId, dunningCase.Id, recalled.Reason, recalled.RecalledAt),
                send =>
                {
                    send.StampFrom(e);
                    // One event may recall several reminders: each message its own stable id.
                    send.MessageId = MessageIds.Derived(e.Id, recalled.ReminderId);
                }, cancellation);
        }
    }
}
