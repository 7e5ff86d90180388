namespace Relance.CorrespondenceService.Writing;

/// <summary>
/// The figures of a document as its language writes them: every figure is computed in C#, templates only place
/// them. French unless the language is English.
/// </summary>
public sealed class Formats
{
    public const string French = "fr";
    public const string English = "en";

    // Times are metropolitan French times, whatever the server's zone: the creditor is French.
    static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public string Language { get; }

    Formats(string language) => Language = language;

    public static Formats Of(string language) => new(language == English ? English : French);

    bool InEnglish => Language == English;

    public string Date(DateOnly date) => InEnglish ? Writing.English.Date(date) : Writing.French.Date(date);

    public string LongDate(DateOnly date) => InEnglish ? Writing.English.LongDate(date) : Writing.French.LongDate(date);

    public string Money(decimal amount, string currency) => InEnglish ? Writing.English.Money(amount, currency) : Writing.French.Money(amount, currency);

    /// <summary>Sums per currency, "1 200,00 € + 300,00 USD" when there are several.</summary>
    public string Total(IEnumerable<(decimal Amount, string Currency)> amounts) =>
        string.Join(" + ", amounts.GroupBy(a => a.Currency).Select(g => Money(g.Sum(a => a.Amount), g.Key)));

    public string Percent(decimal rate) => InEnglish ? Writing.English.Percent(rate) : Writing.French.Percent(rate);

    /// <summary>The date and the time (Paris) of a moment: ("04/11/2026", "10h30") or ("04/11/2026", "10:30").</summary>
    public (string Date, string Time) DateAndTime(DateTimeOffset moment)
    {
        var local = TimeZoneInfo.ConvertTime(moment, Paris);
        return (Date(DateOnly.FromDateTime(local.DateTime)), local.ToString(InEnglish ? "HH':'mm" : "HH'h'mm", Writing.French.Culture));
    }
}
