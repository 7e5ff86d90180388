using Marten;
using Npgsql;
using Relance.CorrespondenceService.Correspondences;
using Relance.InvoiceService.Customers;
using Relance.InvoiceService.Invoices;
using Relance.ReminderService.DunningCases;

namespace Relance.Cli.Erasing;

/// <summary>
/// Where a customer's personal data is, in each store: the streams whose events name it (by ids that erasure keeps), and
/// the document each stream projects to, rebuilt from the masked events. Invoice: the customer's stream and its invoices';
/// Reminder: its cases (one per currency); Correspondence: what was sent to it.
/// </summary>
public sealed record SubjectStreams(StoreName Store, string Sql, Func<IDocumentSession, string, CancellationToken, Task> Reproject)
{
    public static readonly IReadOnlyList<SubjectStreams> All =
    [
        new(StoreName.Invoice, """
            SELECT data->>'CompanyId' AS company, data->>'CustomerId' AS customer, stream_id FROM relance.mt_events WHERE type = 'customer_recorded'
            UNION SELECT data->>'CompanyId', data->'Customer'->>'CustomerId', stream_id FROM relance.mt_events WHERE type = 'invoice_issued'
            """,
            (session, stream, cancellation) => stream.StartsWith("customer:", StringComparison.Ordinal)
                ? Rebuild<Customer>(session, stream, cancellation) : Rebuild<Invoice>(session, stream, cancellation)),
        new(StoreName.Reminder, """
            SELECT data->>'CompanyId' AS company, data->'Customer'->>'CustomerId' AS customer, stream_id FROM relance.mt_events WHERE type = 'dunning_case_opened'
            """,
            Rebuild<DunningCase>),
        new(StoreName.Correspondence, """
            SELECT data->>'CompanyId' AS company, data->'Recipient'->>'CustomerId' AS customer, stream_id FROM relance.mt_events WHERE type = 'correspondence_requested'
            """,
            Rebuild<Correspondence>),
    ];

    public static SubjectStreams Of(StoreName store) => All.Single(s => s.Store == store);

    /// <summary>The customer's streams in this store.</summary>
    public async Task<string[]> FindAsync(NpgsqlConnection connection, string companyId, string customerId, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"SELECT DISTINCT stream_id FROM ({Sql}) s WHERE company = $1 AND customer = $2 ORDER BY stream_id", connection)
        {
            Parameters = { new() { Value = companyId }, new() { Value = customerId } },
        };
        var streams = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) streams.Add(reader.GetString(0));
        return [.. streams];
    }

    /// <summary>Every customer of this store with the time of the last event of its streams.</summary>
    public async Task<List<(string Company, string Customer, DateTimeOffset LastActivity)>> LastActivitiesAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT s.company, s.customer, max(e.timestamp) FROM ({Sql}) s JOIN relance.mt_events e ON e.stream_id = s.stream_id WHERE s.customer IS NOT NULL GROUP BY 1, 2", connection);
        var subjects = new List<(string, string, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            subjects.Add((reader.GetString(0), reader.GetString(1), new DateTimeOffset(reader.GetFieldValue<DateTime>(2), TimeSpan.Zero)));
        return subjects;
    }

    static async Task Rebuild<T>(IDocumentSession session, string stream, CancellationToken cancellation) where T : class
    {
        if (await session.Events.AggregateStreamAsync<T>(stream, token: cancellation) is { } document) session.Store(document);
    }
}
