using Marten;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Invoices.Disputing;

/// <summary>The customer contests the invoice: it leaves the chase until the dispute is closed.</summary>
public sealed record OpenDispute(string CompanyId, string InvoiceNumber, string DisputeId, string Reason, string? Comment, DateOnly OpenedOn, DateTimeOffset Now);

/// <summary>The dispute is over; what is still owed is chased again.</summary>
public sealed record CloseDispute(string CompanyId, string InvoiceNumber, string DisputeId, string Resolution, string? Comment, DateOnly ClosedOn, DateTimeOffset Now);

/// <summary>A status from the customer's e-invoicing platform, normalised to <see cref="EInvoicingStatuses"/> where known.</summary>
public sealed record RecordEInvoicingStatus(
    string CompanyId, string InvoiceNumber, string StatusId, string Status, DateOnly StatusDate, decimal? Amount, string? Currency, string? Comment, DateTimeOffset Now);

public static class EInvoicingStatuses
{
    public const string Cashed = "cashed";
    public const string Disputed = "disputed";
    public const string Suspended = "suspended";
    public const string Refused = "refused";
    public const string Approved = "approved";

    /// <summary>The platforms' French names (Encaissée, En litige, Suspendue, Refusée, Approuvée) and the English ones.</summary>
    public static string Normalise(string status) => status.Trim().ToLowerInvariant().Replace('é', 'e').Replace(' ', '-') switch
    {
        "encaissee" or "cashed" => Cashed,
        "en-litige" or "disputed" => Disputed,
        "suspendue" or "suspended" => Suspended,
        "refusee" or "refused" or "rejected" => Refused,
        "approuvee" or "approved" => Approved,
        var other => other,
    };
}

public static class DisputeHandlers
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, OpenDispute command, CancellationToken cancellation) =>
        session.AppendDecisionAsync<Invoice>(Invoice.StreamKey(command.CompanyId, command.InvoiceNumber), state => InvoiceDecider.Decide(command, state), cancellation);

    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, CloseDispute command, CancellationToken cancellation) =>
        session.AppendDecisionAsync<Invoice>(Invoice.StreamKey(command.CompanyId, command.InvoiceNumber), state => InvoiceDecider.Decide(command, state), cancellation);

    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, RecordEInvoicingStatus command, CancellationToken cancellation) =>
        session.AppendDecisionAsync<Invoice>(Invoice.StreamKey(command.CompanyId, command.InvoiceNumber), state => InvoiceDecider.Decide(command, state), cancellation);
}
