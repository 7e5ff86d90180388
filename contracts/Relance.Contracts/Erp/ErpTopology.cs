namespace Relance.Contracts.Erp;

/// <summary>
/// Where an ERP publishes and listens: plain AMQP names any language can use (contracts/README.md).
/// An ERP publishes JSON to the <see cref="InboundExchange"/> topic exchange with the routing key of the
/// message, and sets the AMQP message_id: every message is answered on <see cref="AcceptedExchange"/> or
/// <see cref="RejectionsExchange"/> quoting it.
/// </summary>
public static class ErpTopology
{
    public const string InboundExchange = "relance.erp";

    /// <summary>Fanout exchange carrying <see cref="ErpMessageAccepted"/> answers.</summary>
    public const string AcceptedExchange = "relance.erp.accepted";

    /// <summary>Fanout exchange carrying <see cref="ErpMessageRejected"/> answers.</summary>
    public const string RejectionsExchange = "relance.erp.rejected";

    /// <summary>Fanout exchange carrying <see cref="ErpInvoiceSettled"/>.</summary>
    public const string InvoiceSettledExchange = "relance.erp.invoice-settled";

    /// <summary>Fanout exchange carrying <see cref="ErpReminderActionTaken"/>.</summary>
    public const string ReminderActionTakenExchange = "relance.erp.reminder-action-taken";

    /// <summary>Fanout exchange carrying <see cref="ErpPenaltiesClaimed"/>.</summary>
    public const string PenaltiesClaimedExchange = "relance.erp.penalties-claimed";

    /// <summary>Fanout exchange carrying <see cref="ErpCaseHandedToLitigation"/>.</summary>
    public const string CaseHandedToLitigationExchange = "relance.erp.case-handed-to-litigation";

    public const string InvoiceIssuedRoutingKey = "invoice.issued";
    public const string InvoiceCorrectedRoutingKey = "invoice.corrected";
    public const string InvoiceCancelledRoutingKey = "invoice.cancelled";
    public const string CreditNoteIssuedRoutingKey = "credit-note.issued";
    public const string PaymentReceivedRoutingKey = "payment.received";
    public const string DisputeOpenedRoutingKey = "dispute.opened";
    public const string DisputeClosedRoutingKey = "dispute.closed";
    public const string EInvoicingStatusRoutingKey = "einvoicing.status";
    public const string CustomerUpsertedRoutingKey = "customer.upserted";

    /// <summary>Every message an ERP may send, by routing key.</summary>
    public static readonly IReadOnlyList<ErpInbound> Inbound =
    [
        new(InvoiceIssuedRoutingKey, typeof(InvoiceIssued)),
        new(InvoiceCorrectedRoutingKey, typeof(InvoiceCorrected)),
        new(InvoiceCancelledRoutingKey, typeof(InvoiceCancelled)),
        new(CreditNoteIssuedRoutingKey, typeof(CreditNoteIssued)),
        new(PaymentReceivedRoutingKey, typeof(PaymentReceived)),
        new(DisputeOpenedRoutingKey, typeof(DisputeOpened)),
        new(DisputeClosedRoutingKey, typeof(DisputeClosed)),
        new(EInvoicingStatusRoutingKey, typeof(EInvoicingStatusReported)),
        new(CustomerUpsertedRoutingKey, typeof(CustomerUpserted)),
    ];

    public static ErpInbound For<TMessage>() => Inbound.Single(i => i.MessageType == typeof(TMessage));
}

/// <param name="RoutingKey">The routing key an ERP publishes the message with.</param>
public sealed record ErpInbound(string RoutingKey, Type MessageType)
{
    /// <summary>The durable queue Relance reads it from; its "_error" queue keeps what was rejected.</summary>
    public string Queue => $"invoice-erp-{RoutingKey.Replace('.', '-')}";
    public string ErrorQueue => $"{Queue}_error";
}
