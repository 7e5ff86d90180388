using Marten;
using MassTransit;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.TrackingLetters;
using Relance.ServiceDefaults;
using Correspondence = Relance.Contracts.Correspondence;

namespace Relance.ReminderService.Integration.Incoming;

/// <summary>A letter's postal tracking, from the Correspondence service, onto the case's trail.</summary>
public sealed class LetterTrackingConsumer(IDocumentSession session, TimeProvider clock) :
    IConsumer<Correspondence.LetterPosted>,
    IConsumer<Correspondence.LetterDelivered>,
    IConsumer<Correspondence.LetterReceiptAcknowledged>,
    IConsumer<Correspondence.LetterReturned>
{
    public Task Consume(ConsumeContext<Correspondence.LetterPosted> context) =>
        Record(context, context.Message.CaseId, context.Message.ReminderId,
            new LetterPosted(context.Message.ReminderId, context.Message.TrackingNumber, context.Message.PostedOn, clock.GetUtcNow()));

    public Task Consume(ConsumeContext<Correspondence.LetterDelivered> context) =>
        Record(context, context.Message.CaseId, context.Message.ReminderId,
            new LetterDelivered(context.Message.ReminderId, context.Message.DeliveredOn, clock.GetUtcNow()));

    public Task Consume(ConsumeContext<Correspondence.LetterReceiptAcknowledged> context) =>
        Record(context, context.Message.CaseId, context.Message.ReminderId,
            new LetterReceiptAcknowledged(context.Message.ReminderId, context.Message.SignedOn, context.Message.CardSha256, clock.GetUtcNow()));

    public Task Consume(ConsumeContext<Correspondence.LetterReturned> context) =>
        Record(context, context.Message.CaseId, context.Message.ReminderId,
            new LetterReturned(context.Message.ReminderId, context.Message.Reason, context.Message.FirstPresentedOn, context.Message.ReturnedOn, clock.GetUtcNow()));

    Task Record<T>(ConsumeContext<T> context, string caseId, Guid reminderId, object tracked) where T : class
    {
        session.AttributeTo(context);
        return RecordLetterTrackingHandler.Handle(session, new RecordLetterTracking(caseId, reminderId, tracked), context.CancellationToken);
    }
}
