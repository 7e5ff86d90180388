namespace Relance.ServiceDefaults.Audit.Timeline;

/// <summary>
/// The order of a timeline merged from three stores: by time; at the same instant, in the order the services act
/// (the invoice is known before the case chases it, and the case asks before the correspondence is sent); within one
/// store, by its sequence.
/// </summary>
public static class TimelineOrder
{
    public static readonly IReadOnlyList<string> Services = [AuditStore.Invoice, AuditStore.Reminder, AuditStore.Correspondence];

    public static int Rank(string service)
    {
        var index = Services.IndexOf(service);
        return index < 0 ? Services.Count : index;
    }

    public static IEnumerable<T> Merge<T>(IEnumerable<T> events, Func<T, DateTimeOffset> at, Func<T, string> service, Func<T, long> sequence) =>
        events.OrderBy(at).ThenBy(e => Rank(service(e))).ThenBy(sequence);

    static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == value) return i;
        return -1;
    }
}
