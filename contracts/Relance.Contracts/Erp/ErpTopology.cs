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

    /// <summary>Fanout exchange carrying <see cref="ErpCallLogged"/>.</summary>
    public const string CallLoggedExchange = "relance.erp.call-logged";

    /// <summary>Fanout exchange carrying <see cref="ErpPaymentPromiseChanged"/>.</summary>
    public const string PaymentPromiseChangedExchange = "relance.erp.payment-promise-changed";

    /// <summary>Fanout exchange carrying <see cref="ErpPaymentPlanChanged"/>.</summary>
    public const string PaymentPlanChangedExchange = "relance.erp.payment-plan-changed";

    /// <summary>Fanout exchange carrying <see cref="ErpDisputeChanged"/>.</summary>
    public const string DisputeChangedExchange = "relance.erp.dispute-changed";

    /// <summary>Fanout exchange carrying <see cref="ErpCaseWrittenOff"/>.</summary>
    public const string CaseWrittenOffExchange = "relance.erp.case-written-off";

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

    /// <summary>Every message Relance tells ERPs, by the fanout exchange carrying it.</summary>
    public static readonly IReadOnlyList<ErpOutbound> Outbound =
    [
        new(AcceptedExchange, typeof(ErpMessageAccepted)),
        new(RejectionsExchange, typeof(ErpMessageRejected)),
        new(InvoiceSettledExchange, typeof(ErpInvoiceSettled)),
        new(ReminderActionTakenExchange, typeof(ErpReminderActionTaken)),
        new(PenaltiesClaimedExchange, typeof(ErpPenaltiesClaimed)),
        new(CaseHandedToLitigationExchange, typeof(ErpCaseHandedToLitigation)),
        new(CallLoggedExchange, typeof(ErpCallLogged)),
        new(PaymentPromiseChangedExchange, typeof(ErpPaymentPromiseChanged)),
        new(PaymentPlanChangedExchange, typeof(ErpPaymentPlanChanged)),
        new(DisputeChangedExchange, typeof(ErpDisputeChanged)),
        new(CaseWrittenOffExchange, typeof(ErpCaseWrittenOff)),
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

/// <param name="Exchange">The durable fanout exchange Relance publishes the message on; bind a queue of your own to it.</param>
public sealed record ErpOutbound(string Exchange, Type MessageType)
{
    /// <summary>Its JSON Schema in contracts/schemas: the message's name in kebab case (ErpCallLogged: erp-call-logged.schema.json).</summary>
    public string SchemaFile => $"{string.Concat(MessageType.Name.Select((c, i) => i > 0 && char.IsUpper(c) ? $"-{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"))}.schema.json";
}
