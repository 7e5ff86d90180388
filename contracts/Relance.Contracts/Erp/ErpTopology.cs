namespace Relance.Contracts.Erp;

/// <summary>
/// Where an ERP publishes and listens. Plain AMQP: any language can use these names.
/// An ERP publishes JSON to the <see cref="InboundExchange"/> topic exchange with one of the routing keys below,
/// and may set the AMQP message_id (used to correlate the answer).
/// </summary>
public static class ErpTopology
{
    public const string InboundExchange = "relance.erp";
    public const string InvoiceIssuedRoutingKey = "invoice.issued";
    public const string PaymentReceivedRoutingKey = "payment.received";

    /// <summary>Fanout exchange carrying <see cref="ErpMessageRejected"/> answers.</summary>
    public const string RejectionsExchange = "relance.erp.rejected";

    public const string InvoiceIssuedQueue = "invoice-erp-invoice-issued";
    public const string PaymentReceivedQueue = "invoice-erp-payment-received";
}
