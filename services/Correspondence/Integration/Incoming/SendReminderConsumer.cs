using MassTransit;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.ServiceDefaults;
using Messages = Relance.Contracts.Correspondence;

namespace Relance.CorrespondenceService.Integration.Incoming;

public sealed class SendReminderConsumer(SendReminderHandler handler, TimeProvider clock) : IConsumer<Messages.SendReminder>
{
    public Task Consume(ConsumeContext<Messages.SendReminder> context) =>
        handler.Handle(Request(context.Message, clock.GetUtcNow()), session => session.AttributeTo(context), context.CancellationToken);

    /// <summary>The public message as this service records it.</summary>
    public static CorrespondenceRequested Request(Messages.SendReminder m, DateTimeOffset now) =>
        new(m.ReminderId, m.CaseId, m.CompanyId, m.Step, m.Channel,
            new Recipient(m.Recipient.CustomerId, m.Recipient.Name, m.Recipient.Email)
            {
                ContactName = m.Recipient.ContactName,
                Phone = m.Recipient.Phone,
                PostalAddress = m.Recipient.PostalAddress is { } a ? new PostalAddress([.. a.Lines], a.PostalCode, a.City, a.Country) : null,
                AccountManagerEmail = m.Recipient.AccountManagerEmail,
            },
            [.. m.Invoices.Select(i => new ChasedInvoice(i.InvoiceNumber, i.IssueDate, i.DueDate, i.Outstanding, i.Currency)
            {
                PaymentClause = i.PaymentClause,
                OriginalDueDate = i.OriginalDueDate,
            })],
            m.AsOf, now)
        {
            Level = m.Level,
            Tone = m.Tone,
            Template = m.Template,
            PaymentDeadlineDays = m.PaymentDeadlineDays,
            Claims = [.. m.Claims.Select(c => new Claim(c.InvoiceNumber, c.DaysLate, c.AnnualRatePercent, c.RateBasis, c.Penalty, c.Currency, c.RecoveryIndemnity, c.IndemnityCurrency))],
            PreviousActions = [.. m.PreviousActions.Select(a => new PreviousAction(a.Step, a.Channel, a.TakenAt))],
            Language = string.IsNullOrWhiteSpace(m.Language) ? "fr" : m.Language.Trim().ToLowerInvariant(),
        };
}
