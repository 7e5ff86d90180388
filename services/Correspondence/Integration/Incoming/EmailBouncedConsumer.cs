using Marten;
using MassTransit;
using Relance.CorrespondenceService.Correspondences.RecordingBounces;
using Relance.ServiceDefaults;
using Messages = Relance.Contracts.Correspondence;

namespace Relance.CorrespondenceService.Integration.Incoming;

/// <summary>
/// A bounce from the mail system, plain JSON on the relance.email.bounced fanout exchange. A message that cannot be
/// recorded (unreadable, a field missing or wrong, no such email) is rejected at once, without retries, to
/// correspondence-email-bounced_error with the reasons (MT-Fault-Message). Redelivered, it is recorded once.
/// </summary>
public sealed class EmailBouncedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Messages.EmailBounced>
{
    public async Task Consume(ConsumeContext<Messages.EmailBounced> context)
    {
        var (id, bounced) = Bounces.Check(context.Message, clock.GetUtcNow());
        session.AttributeTo(context, "system:mail-bounces");
        await Bounces.Record(session, id, bounced, context.CancellationToken);
        await session.SaveChangesAsync(context.CancellationToken);
    }

    public static void ConfigureEndpoint(IBusRegistrationContext context, IRabbitMqBusFactoryConfigurator cfg) =>
        cfg.ReceiveEndpoint(Messages.MailTopology.BouncedQueue, endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            // The mail system sends bare JSON: no MassTransit envelope, no .NET type names.
            endpoint.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
            endpoint.Bind(Messages.MailTopology.BouncedExchange, exchange => exchange.ExchangeType = "fanout");
            endpoint.ConfigureConsumer<EmailBouncedConsumer>(context);
        });
}
