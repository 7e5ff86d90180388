using System.Globalization;

namespace Relance.CorrespondenceService.Writing;

/// <summary>How dates, amounts and rates read in the French documents.</summary>
public static class French
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("fr-FR");

    public static string Date(DateOnly date) => date.ToString("dd/MM/yyyy", Culture);

    /// <summary>"1er décembre 2026", "24 novembre 2026": the date a letter bears.</summary>
    public static string LongDate(DateOnly date) =>
        (date.Day == 1 ? "1er" : date.Day.ToString(Culture)) + date.ToString(" MMMM yyyy", Culture);

    public static string Money(decimal amount, string currency) =>
        string.Format(Culture, "{0:N2} {1}", amount, currency == "EUR" ? "€" : currency);

    public static string Percent(decimal rate) => rate.ToString("0.00##", Culture) + " %";
}
