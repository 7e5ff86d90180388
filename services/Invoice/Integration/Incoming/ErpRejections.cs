using System.Runtime.Serialization;
using System.Text.Json;
using MassTransit;
using Relance.Contracts.Erp;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Integration.Incoming;

/// <summary>
/// Answers the ERP when one of its messages cannot be accepted: unreadable JSON, a field of the wrong type,
/// or a content the deciders refuse. MassTransit itself moves the message to the queue's "_error" queue,
/// where it is kept, unchanged, for inspection and replay; this observer only tells the sender why.
/// </summary>
public sealed class ErpRejections(ErpAnswers answers) : IReceiveObserver
{
    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;
    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;
    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

    // The consumer refused the content.
    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class =>
        exception is MessageRejectedException rejected ? Answer(context.ReceiveContext, rejected.Reasons) : Task.CompletedTask;

    // The message could not even be read as the expected type.
    public Task ReceiveFault(ReceiveContext context, Exception exception) =>
        UnreadableMessages.ReasonOf(exception, context.Body.GetBytes()) is { } reason ? Answer(context, [reason]) : Task.CompletedTask;

    Task Answer(ReceiveContext context, IReadOnlyList<(string Field, string Error)> reasons)
    {
        var queue = context.InputAddress.AbsolutePath.Trim('/').Split('/').Last();
        return ErpTopology.Inbound.FirstOrDefault(i => i.Queue == queue) is { } kind
            ? answers.Rejected(context, MessageIds.MessageIdOf(context), kind, reasons)
            : Task.CompletedTask;
    }
}
