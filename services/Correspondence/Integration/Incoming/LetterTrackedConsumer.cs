using System.Runtime.Serialization;
using System.Text.Json;
using Marten;
using MassTransit;
using Relance.Contracts.Erp;
using Relance.CorrespondenceService.Correspondences.TrackingLetter;
using Relance.ServiceDefaults;
using Postal = Relance.Contracts.Postal;

namespace Relance.CorrespondenceService.Integration.Incoming;

/// <summary>
/// A postal provider's tracking, as plain JSON: translated into <see cref="TrackLetter"/>. Redeliveries and
/// repeats record nothing more (the decider knows each fact once); a message that cannot be accepted throws
/// <see cref="MessageRejectedException"/> and is kept in the error queue, answered by <see cref="PostalTrackingRejections"/>.
/// </summary>
public sealed class LetterTrackedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Postal.LetterTracked>
{
    public async Task Consume(ConsumeContext<Postal.LetterTracked> context)
    {
        var now = clock.GetUtcNow();
        var provider = string.IsNullOrWhiteSpace(context.Message.Provider) ? "provider" : context.Message.Provider.Trim();
        var command = LetterTrackingValidation.ToCommand(context.Message, $"postal:{provider}", DateOnly.FromDateTime(now.UtcDateTime), now);
        session.AttributeTo(context, $"postal:{provider}");
        await TrackLetterHandler.Handle(session, command, context.CancellationToken);
    }
}

/// <summary>
/// Tells the postal provider why a tracking message was not accepted (field by field), on the
/// <see cref="Postal.PostalTopology.TrackingRejectedExchange"/>. MassTransit keeps the message itself, unchanged,
/// in the "_error" queue.
/// </summary>
// The bus is resolved when first needed: the observer is built while the bus itself is being built.
public sealed class PostalTrackingRejections(IServiceProvider services, TimeProvider clock, ILogger<PostalTrackingRejections> logger) : IReceiveObserver
{
    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;
    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;
    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class =>
        exception is MessageRejectedException rejected && context.Message is Postal.LetterTracked tracked
            ? Answer(context.ReceiveContext, tracked.CorrespondenceId, rejected.Reasons)
            : Task.CompletedTask;

    public Task ReceiveFault(ReceiveContext context, Exception exception) =>
        UnreadableMessages.ReasonOf(exception, context.Body.GetBytes()) is { } reason ? Answer(context, null, [reason]) : Task.CompletedTask;

    async Task Answer(ReceiveContext context, string? correspondenceId, IReadOnlyList<(string Field, string Error)> reasons)
    {
        if (context.InputAddress.AbsolutePath.Trim('/').Split('/').Last() != Postal.PostalTopology.LetterTrackedQueue) return;
        var messageId = MessageIds.MessageIdOf(context);
        logger.LogWarning("Rejected postal tracking message {MessageId} for {CorrespondenceId}: {Reasons}",
            messageId, correspondenceId, string.Join("; ", reasons.Select(r => $"{r.Field}: {r.Error}")));
        // Given up when the message's channel closes, as the Invoice service's ERP answers are (DeliveryCancellation).
        using var cancellation = DeliveryCancellation.For(context);
        await services.GetRequiredService<IBus>().PublishToErps(new Postal.LetterTrackingRejected(
            messageId, correspondenceId, [.. reasons.Select(r => new RejectionReason(r.Field, r.Error))],
            Postal.PostalTopology.LetterTrackedErrorQueue, clock.GetUtcNow()), cancellation: cancellation.Token);
    }
}

/// <summary>The postal provider's side of the broker: a fanout exchange in, a durable queue with its "_error" queue, rejections out.</summary>
public static class PostalEndpoints
{
    public static IBusRegistrationConfigurator AddPostalConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<LetterTrackedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddReceiveObserver<PostalTrackingRejections>();
        return bus;
    }

    public static void ConfigurePostalEndpoints(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        cfg.PublishToErpsOn<Postal.LetterTrackingRejected>(Postal.PostalTopology.TrackingRejectedExchange);
        cfg.ReceiveEndpoint(Postal.PostalTopology.LetterTrackedQueue, endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            // Plain JSON from any language: no MassTransit envelope, no .NET type names.
            endpoint.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
            endpoint.Bind(Postal.PostalTopology.LetterTrackedExchange, exchange => exchange.ExchangeType = "fanout");
            endpoint.ConfigureConsumer<LetterTrackedConsumer>(context);
        });
    }
}
