using Relance.CorrespondenceService.Correspondences;

namespace Relance.CorrespondenceService.Letters;

public static class PostalAddresses
{
    static readonly string[] Domestic = ["France", "FR", "FRA"];

    /// <summary>As printed under the addressee: the street lines, postal code and city, and the country when abroad.</summary>
    public static IEnumerable<string> Lines(PostalAddress address) =>
    [
        .. address.Lines.Where(l => !string.IsNullOrWhiteSpace(l)),
        $"{address.PostalCode} {address.City}".Trim(),
        .. Domestic.Contains(address.Country.Trim(), StringComparer.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(address.Country) ? [] : new[] { address.Country },
    ];

    /// <summary>"Dupont SARL, 12 rue de la Paix, 75002 Paris, France": where a letter went, on one line.</summary>
    public static string OnOneLine(string addressee, PostalAddress address) =>
        string.Join(", ", new[] { addressee }.Concat(address.Lines).Append($"{address.PostalCode} {address.City}".Trim()).Append(address.Country)
            .Where(part => !string.IsNullOrWhiteSpace(part)).Select(part => part.Trim()));
}
