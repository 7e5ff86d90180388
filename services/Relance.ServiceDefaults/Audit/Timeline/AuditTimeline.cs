namespace Relance.ServiceDefaults.Audit.Timeline;

/// <summary>
/// One chronological trail for a case, a customer or an invoice, merged from the three services' event stores:
/// the invoices (and the customer as the ERP described it), the dunning case(s), and the correspondences the case
/// asked for with the invoices' documents. Each event once, described for an auditor (<see cref="TimelineDescriptions"/>).
/// </summary>
public static class AuditTimeline
{
    public static async Task<IReadOnlyList<TimelineEntry>> ReadAsync(
        IReadOnlyList<AuditStore> stores, AuditSubject subject, DateTimeOffset? until, CancellationToken cancellation)
    {
        var invoiceStore = StoreOf(stores, AuditStore.Invoice);
        var reminderStore = StoreOf(stores, AuditStore.Reminder);
        var correspondenceStore = StoreOf(stores, AuditStore.Correspondence);

        var invoiceEvents = new List<StoredEvent>();
        List<StoredEvent> caseEvents;
        IReadOnlyList<string> invoiceNumbers;
        var customerStreams = new List<string>();
        switch (subject)
        {
            case AuditSubject.Case c:
                caseEvents = await StoredEvents.OfStreamsAsync(reminderStore, [c.StreamKey], until, cancellation);
                invoiceNumbers = Joined(caseEvents);
                customerStreams.Add(CustomerStream(c.CompanyId, c.CustomerId));
                break;
            case AuditSubject.Customer c:
                caseEvents = await StoredEvents.OfStreamsStartingWithAsync(reminderStore, $"{c.CompanyId}/{c.CustomerId}/", until, cancellation);
                invoiceNumbers = Joined(caseEvents);
                customerStreams.Add(CustomerStream(c.CompanyId, c.CustomerId));
                break;
            case AuditSubject.Invoice i:
                invoiceEvents = await StoredEvents.OfStreamsAsync(invoiceStore, [i.StreamKey], until, cancellation);
                var issued = invoiceEvents.Find(e => e.Type == "invoice_issued");
                var caseKey = issued is null ? null
                    : $"{i.CompanyId}/{issued.Data.Obj("Customer")?.Str("CustomerId")}/{issued.Data.Str("Currency")}";
                caseEvents = caseKey is null ? [] : AboutInvoice(await StoredEvents.OfStreamsAsync(reminderStore, [caseKey], until, cancellation), i.InvoiceNumber);
                invoiceNumbers = [i.InvoiceNumber];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(subject), subject, "a case, a customer or an invoice");
        }

        var invoiceStreams = subject is AuditSubject.Invoice
            ? []
            : customerStreams.Concat(invoiceNumbers.Select(n => $"{subject.CompanyId}/{n}")).ToList();
        var correspondenceStreams = ReminderIds(caseEvents)
            .Concat(invoiceNumbers.Select(n => $"invoice-documents/{subject.CompanyId}/{n}")).ToList();
        var invoiceRead = StoredEvents.OfStreamsAsync(invoiceStore, invoiceStreams, until, cancellation);
        var correspondenceRead = StoredEvents.OfStreamsAsync(correspondenceStore, correspondenceStreams, until, cancellation);
        await Task.WhenAll(invoiceRead, correspondenceRead);
        invoiceEvents.AddRange(await invoiceRead);

        return Describe([.. invoiceEvents, .. caseEvents, .. await correspondenceRead]);
    }

    /// <summary>The events in timeline order, each described in the light of the others.</summary>
    public static IReadOnlyList<TimelineEntry> Describe(IReadOnlyList<StoredEvent> events)
    {
        var context = TimelineContext.Of(events);
        return TimelineOrder.Merge(events)
            .Select(e => TimelineDescriptions.Describe(e, context))
            .ToList();
    }

    /// <summary>
    /// A case's events that concern one invoice: those that name it, and those about a reminder that listed it (sent,
    /// posted, acknowledged, not delivered…).
    /// </summary>
    public static List<StoredEvent> AboutInvoice(IReadOnlyList<StoredEvent> caseEvents, string invoiceNumber)
    {
        var naming = caseEvents.Where(e => EventFields.InvoicesOf(e.Data).Contains(invoiceNumber)).ToList();
        var reminders = ReminderIds(naming).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return caseEvents.Where(e => naming.Contains(e) || (e.Data.Str("ReminderId") is { } id && reminders.Contains(id))).ToList();
    }

    // The invoices that joined the case(s), each once.
    static IReadOnlyList<string> Joined(IEnumerable<StoredEvent> caseEvents) =>
        caseEvents.Where(e => e.Type == "invoice_joined_case").Select(e => e.Data.Str("InvoiceNumber")).OfType<string>().Distinct().ToList();

    // A correspondence's stream key is the id of the reminder the case requested it for.
    static IEnumerable<string> ReminderIds(IEnumerable<StoredEvent> caseEvents) =>
        caseEvents.Where(e => e.Type == "reminder_requested").Select(e => e.Data.Str("ReminderId")).OfType<string>().Distinct();

    static string CustomerStream(string companyId, string customerId) => $"customer:{companyId}/{customerId}";

    static AuditStore StoreOf(IReadOnlyList<AuditStore> stores, string service) =>
        stores.FirstOrDefault(s => s.Service == service)
        ?? throw new ArgumentException($"A timeline reads the invoice, reminder and correspondence stores; the {service} store is missing.", nameof(stores));
}
