using System.Text.RegularExpressions;
using UglyToad.PdfPig;

namespace Relance.Tests.Shared;

/// <summary>The text of a PDF letter as PdfPig reads it back: one line per baseline, top to bottom, page after page.</summary>
public static class PdfText
{
    /// <summary>Each page's lines, words joined by one space, no-break spaces read as spaces.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Pages(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return [.. document.GetPages().Select(page => (IReadOnlyList<string>)[.. page.GetWords()
            .GroupBy(w => Math.Round(w.Letters[0].StartBaseLine.Y, 1))
            .OrderByDescending(line => line.Key)
            .Select(line => string.Join(" ", line.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text)))
            .Select(Spaces)])];
    }

    /// <summary>All the lines, "\n" after each.</summary>
    public static string Lines(byte[] pdf) => string.Concat(Pages(pdf).SelectMany(p => p).Select(l => l + "\n"));

    /// <summary>All the text with every run of white space (line ends included) as one space: what a wrapped sentence reads.</summary>
    public static string Flat(byte[] pdf) => Flat(Lines(pdf));

    public static string Flat(string text) => Regex.Replace(Spaces(text), @"\s+", " ").Trim();

    static string Spaces(string text) => text.Replace('\u202F', ' ').Replace('\u00A0', ' ');
}
