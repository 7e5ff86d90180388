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
        session.AttributeTo(context, $"erp:{command.CompanyId}");
        await RecordInvoiceHandler.Handle(session, command, context.CancellationToken);
    }
}

public sealed class PaymentReceivedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Erp.PaymentReceived>
{
    public async Task Consume(ConsumeContext<Erp.PaymentReceived> context)
    {
        var command = ErpMessageValidation.ToCommand(context.Message, clock.GetUtcNow());
        session.AttributeTo(context, $"erp:{command.CompanyId}");
        await RecordPaymentHandler.Handle(session, command, context.CancellationToken);
    }
}
