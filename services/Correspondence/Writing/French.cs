using System.Globalization;

namespace Relance.CorrespondenceService.Writing;

/// <summary>How dates, times, amounts and channels read in the French documents.</summary>
public static class French
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("fr-FR");

    // Times in French documents are metropolitan French times, whatever the server's zone.
    static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public static string Date(DateOnly date) => date.ToString("dd/MM/yyyy", Culture);

    /// <summary>"1er décembre 2026", "24 novembre 2026": the date a letter bears.</summary>
    public static string LongDate(DateOnly date) =>
        (date.Day == 1 ? "1er" : date.Day.ToString(Culture)) + date.ToString(" MMMM yyyy", Culture);

    /// <summary>"le 04/11/2026 à 10h30", in Paris time.</summary>
    public static string DateAndTime(DateTimeOffset moment)
    {
        var local = TimeZoneInfo.ConvertTime(moment, Paris);
        return $"le {Date(DateOnly.FromDateTime(local.DateTime))} à {local.ToString("HH'h'mm", Culture)}";
    }

    public static string Money(decimal amount, string currency) =>
        string.Format(Culture, "{0:N2} {1}", amount, currency == "EUR" ? "€" : currency);

    /// <summary>Sums per currency, "1 200,00 € + 300,00 USD" when there are several.</summary>
    public static string Total(IEnumerable<(decimal Amount, string Currency)> amounts) =>
        string.Join(" + ", amounts.GroupBy(a => a.Currency).Select(g => Money(g.Sum(a => a.Amount), g.Key)));

    public static string Percent(decimal rate) => rate.ToString("0.00##", Culture) + " %";

    public static string Days(int count) => $"{count} {Plural(count, "jour", "jours")}";

    public static string Plural(int count, string one, string many) => count == 1 ? one : many;

    /// <summary>How an earlier action reached the debtor: "par courriel", "par téléphone"…</summary>
    public static string ByChannel(string channel) => channel switch
    {
        "email" => "par courriel",
        "letter" => "par courrier",
        "registered-letter" => "par lettre recommandée avec accusé de réception",
        "phone" => "par téléphone",
        "sms" => "par SMS",
        _ => $"par {channel}",
    };
}
