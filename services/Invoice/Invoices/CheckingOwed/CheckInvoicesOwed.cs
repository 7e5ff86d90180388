using Marten;
using MassTransit;
using Relance.Contracts.Invoicing;

namespace Relance.InvoiceService.Invoices.CheckingOwed;

/// <summary>What is owed on a company's invoices now, read from their inline projection. Pure.</summary>
public static class InvoicesOwedQuery
{
    public static InvoiceOwed Line(string invoiceNumber, Invoice? invoice) => invoice switch
    {
        null or { Status: InvoiceStatus.Awaiting } => new(invoiceNumber, InvoiceOwedStatuses.Unknown, 0m),
        { Status: InvoiceStatus.Settled } => new(invoiceNumber, InvoiceOwedStatuses.Settled, 0m),
        { Status: InvoiceStatus.Cancelled } => new(invoiceNumber, InvoiceOwedStatuses.Cancelled, 0m),
        _ => new(invoiceNumber, InvoiceOwedStatuses.Open, invoice.Outstanding),
    };
}

/// <summary>
/// Answers the Correspondence service's last look before a reminder leaves (<see cref="CheckInvoicesOwed"/>). Only reads:
/// a redelivery answers again, harmlessly.
/// </summary>
public sealed class CheckInvoicesOwedConsumer(IQuerySession session, TimeProvider clock) : IConsumer<CheckInvoicesOwed>
{
    /// <summary>More than any reminder lists; a longer request is refused rather than read.</summary>
    public const int MaxInvoices = 500;

    public async Task Consume(ConsumeContext<CheckInvoicesOwed> context)
    {
        var request = context.Message;
        if (string.IsNullOrWhiteSpace(request.CompanyId) || request.InvoiceNumbers is null || request.InvoiceNumbers.Count > MaxInvoices)
            throw new Relance.ServiceDefaults.MessageRejectedException([("$", $"a company id and at most {MaxInvoices} invoice numbers are expected")]);
        var numbers = request.InvoiceNumbers.Distinct(StringComparer.Ordinal).ToList();
        var invoices = (await session.LoadManyAsync<Invoice>(context.CancellationToken, numbers.Select(n => Invoice.StreamKey(request.CompanyId, n))))
            .ToDictionary(i => i.Id, StringComparer.Ordinal);
        var lines = numbers.Select(n => InvoicesOwedQuery.Line(n, invoices.GetValueOrDefault(Invoice.StreamKey(request.CompanyId, n)))).ToList();
        await context.RespondAsync(new InvoicesOwed(request.CompanyId, lines, clock.GetUtcNow()));
    }
}
