using System.Security.Cryptography;
using Marten;
using MassTransit;
using Relance.Contracts.Erp;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Integration.Incoming;

/// <summary>
/// A receipt per company and ERP message id, committed with the message's effects: the same id seen again has no
/// second effect, and an id reused for a different message is refused.
/// </summary>
public sealed record ErpMessageReceipt(string Id, string MessageKind, string BodySha256, DateTimeOffset ReceivedAt, int EventsAppended);

/// <summary>
/// What every ERP consumer does around its own translation into commands: check the message id's receipt,
/// attribute the events to the company's ERP, commit the effects and the receipt together, answer.
/// </summary>
public abstract class ErpConsumer<TMessage>(IDocumentSession session, ErpAnswers answers, TimeProvider clock) : IConsumer<TMessage>
    where TMessage : class, IErpMessage
{
    /// <summary>Validates the message (throwing <see cref="MessageRejectedException"/>) and appends its effects, without committing.</summary>
    protected abstract Task<IReadOnlyList<object>> Apply(IDocumentSession session, TMessage message, DateTimeOffset now, CancellationToken cancellation);

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var kind = ErpTopology.For<TMessage>();
        var messageId = MessageIds.MessageIdOf(context.ReceiveContext);
        var digest = Convert.ToHexStringLower(SHA256.HashData(context.ReceiveContext.Body.GetBytes()));

        // Two companies' ERPs may number their messages alike: a receipt is per company.
        var receiptId = messageId is null ? null : $"{context.Message.CompanyId}/{messageId}";
        if (receiptId is not null && await session.LoadAsync<ErpMessageReceipt>(receiptId, context.CancellationToken) is { } receipt)
        {
            if (receipt.BodySha256 != digest)
                throw new MessageRejectedException([("$", $"message id {messageId} was already used on {receipt.ReceivedAt:O} for another message; give every message its own id")]);
            await answers.Accepted(context.ReceiveContext, messageId, kind, ErpAnswers.AlreadyApplied);
            return;
        }

        var now = clock.GetUtcNow();
        session.AttributeTo(context, $"erp:{context.Message.CompanyId}");
        var events = await Apply(session, context.Message, now, context.CancellationToken);
        if (receiptId is not null) session.Insert(new ErpMessageReceipt(receiptId, kind.RoutingKey, digest, now, events.Count));
        await session.SaveChangesAsync(context.CancellationToken);
        await answers.Accepted(context.ReceiveContext, messageId, kind, events.Count > 0 ? ErpAnswers.Applied : ErpAnswers.AlreadyApplied);
    }
}
