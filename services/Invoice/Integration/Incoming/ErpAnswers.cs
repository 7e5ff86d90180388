using MassTransit;
using Relance.Contracts.Erp;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Integration.Incoming;

/// <summary>
/// Every ERP message gets an answer quoting its id: accepted (applied, or already applied) or rejected with
/// reasons. Answers are plain JSON like what the ERP sent, so that no MassTransit envelope needs reading.
/// An answer is published while its message is consumed, and given up when that message's channel closes
/// (<see cref="DeliveryCancellation"/>): the message, never acknowledged, comes again and is answered then
/// ("already-applied" when its effects were committed before the channel closed).
/// </summary>
// The bus is resolved when first needed: the rejection observer is built while the bus itself is being built.
public sealed class ErpAnswers(IServiceProvider services, TimeProvider clock, ILogger<ErpAnswers> logger)
{
    public const string Applied = "applied";
    public const string AlreadyApplied = "already-applied";

    public Task Accepted(ReceiveContext answering, string? messageId, ErpInbound kind, string outcome) =>
        Publish(answering, new ErpMessageAccepted(messageId, kind.RoutingKey, outcome, clock.GetUtcNow()));

    public Task Rejected(ReceiveContext answering, string? messageId, ErpInbound kind, IReadOnlyList<(string Field, string Error)> reasons)
    {
        logger.LogWarning("Rejected ERP message {ErpMessageId} ({MessageKind}): {Reasons}",
            messageId, kind.RoutingKey, string.Join("; ", reasons.Select(r => $"{r.Field}: {r.Error}")));
        return Publish(answering, new ErpMessageRejected(
            messageId, kind.RoutingKey, [.. reasons.Select(r => new RejectionReason(r.Field, r.Error))], kind.ErrorQueue, clock.GetUtcNow()));
    }

    async Task Publish<T>(ReceiveContext answering, T answer) where T : class
    {
        using var cancellation = DeliveryCancellation.For(answering);
        await services.GetRequiredService<IBus>().PublishToErps(answer, cancellation: cancellation.Token);
    }
}
