namespace Relance.ServiceDefaults.Audit.Timeline;

/// <summary>
/// The order of a timeline merged from three stores: by when each event happened; at the same moment (a burst within
/// the same millisecond, or a test's frozen clock), by when it was stored (the three stores share one database server,
/// whose clock follows cause and effect across services); then in the order the services act (the invoice is known
/// before the case chases it, and the case asks before the correspondence is sent); within one store, by its sequence.
/// </summary>
public static class TimelineOrder
{
    public static readonly IReadOnlyList<string> Services = [AuditStore.Invoice, AuditStore.Reminder, AuditStore.Correspondence];

    public static int Rank(string service)
    {
        var index = Services.IndexOf(service);
        return index < 0 ? Services.Count : index;
    }

    public static IEnumerable<StoredEvent> Merge(IEnumerable<StoredEvent> events) =>
        events.OrderBy(e => e.At).ThenBy(e => e.StoredAt).ThenBy(e => Rank(e.Service)).ThenBy(e => e.Sequence);

    static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == value) return i;
        return -1;
    }
}
