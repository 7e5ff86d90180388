using Relance.ServiceDefaults.Audit.Timeline;

namespace Relance.ReminderService.Audit.Timelines;

/// <summary>
/// GET /audit/cases/{companyId}/{customerId}/{currency}/timeline, /audit/customers/{companyId}/{customerId}/timeline and
/// /audit/invoices/{companyId}/{invoiceNumber}/timeline (optionally ?until=): one chronological trail merged from the
/// invoice, dunning-case and correspondence streams. The company in the address is checked by the company scope.
/// </summary>
public static class TimelineEndpoints
{
    public static void MapTimelines(this RouteGroupBuilder audit)
    {
        audit.MapGet("/cases/{companyId}/{customerId}/{currency}/timeline",
                (string companyId, string customerId, string currency, DateTimeOffset? until, IConfiguration configuration, CancellationToken cancellation) =>
                    Timeline(configuration, new AuditSubject.Case(companyId, customerId, currency), $"case {companyId}/{customerId}/{currency}", until, cancellation))
            .WithName("GetCaseTimeline")
            .WithSummary("A dunning case's timeline: its invoices, the case, its correspondences, in order, with who, why, channel and proofs")
            .Describe();

        audit.MapGet("/customers/{companyId}/{customerId}/timeline",
                (string companyId, string customerId, DateTimeOffset? until, IConfiguration configuration, CancellationToken cancellation) =>
                    Timeline(configuration, new AuditSubject.Customer(companyId, customerId), $"customer {companyId}/{customerId}", until, cancellation))
            .WithName("GetCustomerTimeline")
            .WithSummary("A customer's timeline: the customer as the ERP described it, and every case of the customer (all currencies)")
            .Describe();

        audit.MapGet("/invoices/{companyId}/{invoiceNumber}/timeline",
                (string companyId, string invoiceNumber, DateTimeOffset? until, IConfiguration configuration, CancellationToken cancellation) =>
                    Timeline(configuration, new AuditSubject.Invoice(companyId, invoiceNumber), $"invoice {companyId}/{invoiceNumber}", until, cancellation))
            .WithName("GetInvoiceTimeline")
            .WithSummary("An invoice's timeline: its stream, the case events that concern it, the correspondences that chased it")
            .Describe();
    }

    /// <param name="Subject">What the timeline is about, in words: case ACME/C-1/EUR.</param>
    /// <param name="Until">
    /// Events that happened after this moment are left out, each dated as its entry's <c>at</c>: the moment it states
    /// (its RecordedAt, SentAt…, <see cref="EventFields.Moment"/>), else when it was stored; none: up to now.
    /// </param>
    public sealed record TimelineView(string Subject, DateTimeOffset? Until, int Count, IReadOnlyList<TimelineEntry> Entries);

    static async Task<IResult> Timeline(IConfiguration configuration, AuditSubject subject, string described, DateTimeOffset? until, CancellationToken cancellation)
    {
        var (stores, problem) = AuditAccess.Stores(configuration);
        if (problem is not null) return problem;
        var entries = await AuditTimeline.ReadAsync(stores!, subject, until, cancellation);
        return entries.Count == 0
            ? Results.Problem(title: "No such history", detail: $"No event is stored for {described}" + (until is { } u ? $" up to {u:O}." : "."), statusCode: StatusCodes.Status404NotFound)
            : Results.Ok(new TimelineView(described, until, entries.Count, entries));
    }

    static RouteHandlerBuilder Describe(this RouteHandlerBuilder endpoint) => endpoint
        .Produces<TimelineView>()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
