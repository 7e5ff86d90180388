using Marten;
using MassTransit;
using Relance.InvoiceService.Invoices.RecordingInvoice;
using Relance.InvoiceService.Invoices.RecordingPayment;
using Relance.ServiceDefaults;
using Erp = Relance.Contracts.Erp;

namespace Relance.InvoiceService.Integration.Incoming;

// Integration handlers only translate a message into a command. Redeliveries are harmless: the deciders
// recognise an invoice or a payment they already recorded.

public sealed class InvoiceIssuedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Erp.InvoiceIssued>
{
    public async Task Consume(ConsumeContext<Erp.InvoiceIssued> context)
    {
        var command = ErpMessageValidation.ToCommand(context.Message, clock.GetUtcNow());
        Attribute(session, command.CompanyId, context);
        await RecordInvoiceHandler.Handle(session, command, context.CancellationToken);
    }

    // The events' proof metadata: the ERP of that company did it, because of that message.
    internal static void Attribute(IDocumentSession session, string companyId, ConsumeContext context) =>
        session.Attribute($"erp:{companyId}", ErpMessageId.CorrelationOf(context.ReceiveContext), ErpMessageId.Of(context.ReceiveContext));
}

public sealed class PaymentReceivedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Erp.PaymentReceived>
{
    public async Task Consume(ConsumeContext<Erp.PaymentReceived> context)
    {
        var command = ErpMessageValidation.ToCommand(context.Message, clock.GetUtcNow());
        InvoiceIssuedConsumer.Attribute(session, command.CompanyId, context);
        await RecordPaymentHandler.Handle(session, command, context.CancellationToken);
    }
}
