using JasperFx.Events;
using Marten;
using MassTransit;
using Relance.Contracts.Erp;
using Relance.ReminderService.DunningCases;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.Integration.Outgoing;

/// <summary>
/// Tells the ERPs each reminder action taken (step, level, channel, date, invoices) once it really left, the
/// penalties and indemnities it claimed (so the ERP can invoice them), and the hand-over to litigation; and what people did
/// on the case (calls, promises, payment plans, disputes, write-offs: see ReminderActionsToErp.HumanLoop.cs).
/// </summary>
public sealed partial class ReminderActionsToErp(IBus bus) : EventForwarder
{
    public const string SubscriptionName = "reminder-actions-to-erp";

    protected override async Task ForwardAsync(IEvent e, IDocumentOperations operations, CancellationToken cancellation)
    {
        switch (e.Data)
        {
            case ReminderSent sent:
                await ForwardSent(e, sent, operations, cancellation);
                break;
            case CaseHandedToLitigation handedOver:
                var dunningCase = await StateOf<DunningCase>(operations, e, cancellation);
                await bus.PublishToErps(new ErpCaseHandedToLitigation(
                    dunningCase.CompanyId, dunningCase.Customer.CustomerId, dunningCase.Id, handedOver.Step,
                    [.. handedOver.Invoices.Select(i => new ErpRemindedInvoice(i.InvoiceNumber, i.Outstanding, dunningCase.Currency))],
                    handedOver.Reason, handedOver.HandedOverAt), send => send.StampFrom(e), cancellation);
                if (handedOver.Claims.Count > 0)
                    await PublishClaims(e, dunningCase, handedOver.ActionId, handedOver.Step, handedOver.Claims, handedOver.HandedOverAt, cancellation);
                break;
            default:
                await ForwardHumanLoop(e, operations, cancellation);
                break;
        }
    }

    async Task ForwardSent(IEvent e, ReminderSent sent, IDocumentOperations operations, CancellationToken cancellation)
    {
        var dunningCase = await StateOf<DunningCase>(operations, e, cancellation);
        var history = (await operations.Events.FetchStreamAsync(e.StreamKey!, token: cancellation)).Select(h => h.Data).ToList();
        var requested = history.OfType<ReminderRequested>().Single(r => r.ReminderId == sent.ReminderId);
        // Only the invoices it really listed when it left.
        var leftOut = history.OfType<ReminderNarrowed>().Where(n => n.ReminderId == sent.ReminderId).SelectMany(n => n.LeftOut).ToHashSet();
        var listed = requested.Invoices.Where(i => !leftOut.Contains(i.InvoiceNumber)).ToList();

        await bus.PublishToErps(new ErpReminderActionTaken(
            dunningCase.CompanyId, dunningCase.Customer.CustomerId, dunningCase.Id, sent.ReminderId, requested.Step, sent.Channel, sent.Recipient,
            [.. listed.Select(i => new ErpRemindedInvoice(i.InvoiceNumber, i.Outstanding, dunningCase.Currency))],
            sent.SentAt, sent.ContentSha256) { Level = requested.Level }, send => send.StampFrom(e), cancellation);

        // The claims of a step are told once, with its first channel to leave (a letter and its email copy claim the same).
        var claims = requested.Claims.Where(c => !leftOut.Contains(c.InvoiceNumber)).ToList();
        var channelsOfAction = history.OfType<ReminderRequested>().Where(r => r.ActionId == requested.ActionId).Select(r => r.ReminderId).ToHashSet();
        var firstToLeave = history.OfType<ReminderSent>().First(s => channelsOfAction.Contains(s.ReminderId));
        if (claims.Count > 0 && firstToLeave.ReminderId == sent.ReminderId)
            await PublishClaims(e, dunningCase, requested.ReminderId, requested.Step, claims, sent.SentAt, cancellation);
    }

    Task PublishClaims(IEvent e, DunningCase dunningCase, Guid reminderId, string step, IReadOnlyList<InvoiceClaim> claims, DateTimeOffset at, CancellationToken cancellation) =>
        bus.PublishToErps(new ErpPenaltiesClaimed(
            dunningCase.CompanyId, dunningCase.Customer.CustomerId, dunningCase.Id, reminderId, step,
            [.. claims.Select(c => new ErpInvoiceClaim(c.InvoiceNumber, c.Outstanding, dunningCase.Currency, c.DaysLate, c.AnnualRatePercent, c.RateBasis,
                c.Penalty, c.RecoveryIndemnity, c.IndemnityCurrency))],
            DateOnly.FromDateTime(at.UtcDateTime), at), send =>
            {
                send.StampFrom(e);
                // Its own message id (the same on a repeat): it comes from the same event as the action or hand-over message.
                send.MessageId = DunningCaseDecider.Derive(e.Id, 1);
            }, cancellation);
}
