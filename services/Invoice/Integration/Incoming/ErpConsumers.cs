using Marten;
using Relance.InvoiceService.Customers.RecordingCustomer;
using Relance.InvoiceService.Invoices.CancellingInvoice;
using Relance.InvoiceService.Invoices.CorrectingInvoice;
using Relance.InvoiceService.Invoices.Disputing;
using Relance.InvoiceService.Invoices.RecordingAllocation;
using Relance.InvoiceService.Invoices.RecordingInvoice;
using Erp = Relance.Contracts.Erp;

namespace Relance.InvoiceService.Integration.Incoming;

// Each consumer only translates an ERP message into commands. Redeliveries are harmless: the deciders
// recognise an invoice, a payment, a credit note or a correction they already recorded.

public sealed class InvoiceIssuedConsumer(IDocumentSession session, ErpAnswers answers, TimeProvider clock)
    : ErpConsumer<Erp.InvoiceIssued>(session, answers, clock)
{
    protected override Task<IReadOnlyList<object>> Apply(IDocumentSession session, Erp.InvoiceIssued message, DateTimeOffset now, CancellationToken cancellation) =>
        RecordInvoiceHandler.Handle(session, ErpMessageValidation.ToCommand(message, now), cancellation);
}

public sealed class InvoiceCorrectedConsumer(IDocumentSession session, ErpAnswers answers, TimeProvider clock)
    : ErpConsumer<Erp.InvoiceCorrected>(session, answers, clock)
{
    protected override Task<IReadOnlyList<object>> Apply(IDocumentSession session, Erp.InvoiceCorrected message, DateTimeOffset now, CancellationToken cancellation) =>
        CorrectInvoiceHandler.Handle(session, ErpMessageValidation.ToCommand(message, now), cancellation);
}

public sealed class InvoiceCancelledConsumer(IDocumentSession session, ErpAnswers answers, TimeProvider clock)
    : ErpConsumer<Erp.InvoiceCancelled>(session, answers, clock)
{
    protected override Task<IReadOnlyList<object>> Apply(IDocumentSession session, Erp.InvoiceCancelled message, DateTimeOffset now, CancellationToken cancellation) =>
        CancelInvoiceHandler.Handle(session, ErpMessageValidation.ToCommand(message, now), cancellation);
}

public sealed class CreditNoteIssuedConsumer(IDocumentSession session, ErpAnswers answers, TimeProvider clock)
    : ErpConsumer<Erp.CreditNoteIssued>(session, answers, clock)
{
    protected override Task<IReadOnlyList<object>> Apply(IDocumentSession session, Erp.CreditNoteIssued message, DateTimeOffset now, CancellationToken cancellation) =>
        RecordAllocationHandler.Handle(session, ErpMessageValidation.ToCommands(message, now), cancellation);
}

public sealed class PaymentReceivedConsumer(IDocumentSession session, ErpAnswers answers, TimeProvider clock)
    : ErpConsumer<Erp.PaymentReceived>(session, answers, clock)
{
    protected override Task<IReadOnlyList<object>> Apply(IDocumentSession session, Erp.PaymentReceived message, DateTimeOffset now, CancellationToken cancellation)
    {
        var (allocations, unallocated) = ErpMessageValidation.ToCommands(message, now);
        return unallocated is null
            ? RecordAllocationHandler.Handle(session, allocations, cancellation)
            : RecordUnallocatedPaymentHandler.Handle(session, unallocated, cancellation);
    }
}

public sealed class DisputeOpenedConsumer(IDocumentSession session, ErpAnswers answers, TimeProvider clock)
    : ErpConsumer<Erp.DisputeOpened>(session, answers, clock)
{
    protected override Task<IReadOnlyList<object>> Apply(IDocumentSession session, Erp.DisputeOpened message, DateTimeOffset now, CancellationToken cancellation) =>
        DisputeHandlers.Handle(session, ErpMessageValidation.ToCommand(message, now), cancellation);
}

public sealed class DisputeClosedConsumer(IDocumentSession session, ErpAnswers answers, TimeProvider clock)
    : ErpConsumer<Erp.DisputeClosed>(session, answers, clock)
{
    protected override Task<IReadOnlyList<object>> Apply(IDocumentSession session, Erp.DisputeClosed message, DateTimeOffset now, CancellationToken cancellation) =>
        DisputeHandlers.Handle(session, ErpMessageValidation.ToCommand(message, now), cancellation);
}

public sealed class EInvoicingStatusConsumer(IDocumentSession session, ErpAnswers answers, TimeProvider clock)
    : ErpConsumer<Erp.EInvoicingStatusReported>(session, answers, clock)
{
    protected override Task<IReadOnlyList<object>> Apply(IDocumentSession session, Erp.EInvoicingStatusReported message, DateTimeOffset now, CancellationToken cancellation) =>
        DisputeHandlers.Handle(session, ErpMessageValidation.ToCommand(message, now), cancellation);
}

public sealed class CustomerUpsertedConsumer(IDocumentSession session, ErpAnswers answers, TimeProvider clock)
    : ErpConsumer<Erp.CustomerUpserted>(session, answers, clock)
{
    protected override Task<IReadOnlyList<object>> Apply(IDocumentSession session, Erp.CustomerUpserted message, DateTimeOffset now, CancellationToken cancellation) =>
        RecordCustomerHandler.Handle(session, ErpMessageValidation.ToEvent(message, now), cancellation);
}
