using System.Globalization;

namespace Relance.CorrespondenceService.Writing;

/// <summary>How dates, times, amounts and rates read in the English documents (British usage, euros first).</summary>
public static class English
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>"1 Dec 2026": the month in words, so that no reader takes the day for the month.</summary>
    public static string Date(DateOnly date) => date.ToString("d MMM yyyy", Culture);

    /// <summary>"23 November 2026": the date a letter bears.</summary>
    public static string LongDate(DateOnly date) => date.ToString("d MMMM yyyy", Culture);

    public static string Money(decimal amount, string currency) => currency == "EUR"
        ? string.Format(Culture, "€{0:N2}", amount)
        : string.Format(Culture, "{0} {1:N2}", currency, amount);

    public static string Percent(decimal rate) => rate.ToString("0.00##", Culture) + "%";
}
