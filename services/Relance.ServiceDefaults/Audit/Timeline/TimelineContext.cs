using System.Text.Json;

namespace Relance.ServiceDefaults.Audit.Timeline;

/// <summary>
/// What one event of the timeline needs from the others to be described: the step, channel and invoices of the
/// reminder it is about (a correspondence's stream key, or a ReminderId), and the currency of its stream.
/// </summary>
public sealed class TimelineContext
{
    public sealed record Action(string? Step, string? Channel, IReadOnlyList<string> Invoices);

    readonly Dictionary<string, Action> actions = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, string> currencies = new(StringComparer.Ordinal);

    public static TimelineContext Of(IEnumerable<StoredEvent> events)
    {
        var context = new TimelineContext();
        foreach (var e in events) context.Learn(e);
        return context;
    }

    public Action? ActionOf(string? reminderId) => reminderId is not null && actions.TryGetValue(reminderId, out var a) ? a : null;

    public string? CurrencyOf(string stream) => currencies.GetValueOrDefault(stream);

    void Learn(StoredEvent e)
    {
        var data = e.Data;
        switch (e.Type)
        {
            case "reminder_requested" when data.Str("ReminderId") is { } id:
                actions[id] = new Action(data.Str("Step"), data.Str("Channel"), EventFields.InvoicesOf(data));
                // A case's stream key ends with its currency: {company}/{customer}/{currency}.
                currencies[id] = e.Stream[(e.Stream.LastIndexOf('/') + 1)..];
                break;
            case "correspondence_requested":
                actions[e.Stream] = new Action(data.Str("Step"), data.Str("Channel"), EventFields.InvoicesOf(data));
                if (data.TryGetProperty("Invoices", out var invoices) && invoices.ValueKind == JsonValueKind.Array && invoices.GetArrayLength() > 0
                    && invoices[0].Str("Currency") is { } currency)
                    currencies[e.Stream] = currency;
                break;
            case "invoice_issued" when data.Str("Currency") is { } issuedIn:
                currencies[e.Stream] = issuedIn;
                break;
            case "dunning_case_opened" when data.Str("Currency") is { } caseIn:
                currencies[e.Stream] = caseIn;
                break;
        }
    }
}
