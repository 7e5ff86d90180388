using System.Security.Cryptography;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Relance.CorrespondenceService.Writing;

namespace Relance.CorrespondenceService.Letters;

/// <summary>Where text may go on an A4 page, in points, and how lines are spaced.</summary>
public sealed record PdfFrame(double Left, double Right, double Top, double Bottom, double Leading, double Gap)
{
    public static double Mm(double mm) => mm * 72 / 25.4;

    public static readonly double PageWidth = Mm(210), PageHeight = Mm(297);
}

/// <summary>One line of text placed on a page.</summary>
public sealed record PdfRun(string Text, XFont Font, double X, double Y);

/// <summary>
/// Places lines on pages, top to bottom, a new page when the next line would cross the bottom margin: paragraphs,
/// bullets, tables (a grid when it fits, else one bullet per row), a signature block kept together. Shared by the
/// letters (<see cref="PdfLetter"/>) and by the documents laid out like them (the litigation file's summary).
/// </summary>
public sealed class PdfFlow(XGraphics measure, PdfFrame frame)
{
    public List<List<PdfRun>> Pages { get; } = [[]];
    public double Y { get; set; }

    double Left => frame.Left;
    double Right => frame.Right;
    double Leading => frame.Leading;

    public double Width(string text, XFont font) => measure.MeasureString(text, font).Width;

    public void Text(string text, XFont font, double x, double y, double? width = null)
    {
        foreach (var line in Wrap(text, font, width ?? Right - x)) { Pages[^1].Add(new PdfRun(line, font, x, y)); y += Leading; }
    }

    /// <summary>Room for <paramref name="height"/> more points on this page, or a new page.</summary>
    public void Need(double height)
    {
        if (Y + height <= frame.Bottom) return;
        Pages.Add([]);
        Y = frame.Top;
    }

    void Line(string text, XFont font, double x)
    {
        Need(Leading);
        Y += Leading;
        Pages[^1].Add(new PdfRun(text, font, x, Y));
    }

    public void Paragraph(IEnumerable<string> lines, XFont font)
    {
        var wrapped = lines.Where(l => !string.IsNullOrWhiteSpace(l)).SelectMany(l => Wrap(l, font, Right - Left)).ToList();
        if (wrapped.Count <= 4) Need(wrapped.Count * Leading); // a short paragraph kept together
        foreach (var line in wrapped) Line(line, font, Left);
        Y += frame.Gap;
    }

    public void Bullets(IEnumerable<string> items, XFont font, string bullet = "•")
    {
        var indent = PdfFrame.Mm(5);
        foreach (var item in items)
        {
            var lines = Wrap(item, font, Right - Left - indent);
            Need(Math.Min(lines.Count, 3) * Leading);
            for (var i = 0; i < lines.Count; i++)
            {
                if (i == 0) { Line(bullet, font, Left + PdfFrame.Mm(1)); Pages[^1].Add(new PdfRun(lines[0], font, Left + indent, Y)); }
                else Line(lines[i], font, Left + indent);
            }
        }
        Y += frame.Gap;
    }

    /// <summary>
    /// A grid when every cell fits its column (the invoice table), its header repeated on each page; otherwise
    /// (long cells, as a claim's rate basis) one bullet per row, with the row's sentence.
    /// </summary>
    public void Table(Table table, XFont font, XFont bold)
    {
        const double padding = 8;
        var columns = table.Headers.Count;
        var widths = Enumerable.Range(0, columns).Select(c =>
            Math.Max(Width(table.Headers[c], bold), table.Rows.Select(r => c < r.Cells.Count ? Width(r.Cells[c], font) : 0).DefaultIfEmpty(0).Max()) + padding).ToList();
        var total = widths.Sum();
        if (table.Rows.Any(r => r.Cells.Count != columns) || total > Right - Left)
        {
            Bullets(table.Rows.Select(r => r.Text), font);
            return;
        }
        // Spread the room left over the columns.
        var spare = (Right - Left - total) / columns;
        var xs = new List<double> { Left };
        foreach (var w in widths.Take(columns - 1)) xs.Add(xs[^1] + w + spare);

        void Header()
        {
            Need(2 * Leading);
            Y += Leading;
            for (var c = 0; c < columns; c++) Pages[^1].Add(new PdfRun(table.Headers[c], bold, xs[c], Y));
            Y += 3;
        }

        Header();
        foreach (var row in table.Rows)
        {
            if (Y + Leading > frame.Bottom) { Pages.Add([]); Y = frame.Top; Header(); }
            Y += Leading;
            for (var c = 0; c < columns; c++) Pages[^1].Add(new PdfRun(row.Cells[c], font, xs[c], Y));
        }
        Y += frame.Gap + 2;
    }

    /// <summary>The signature block: kept on one page, with room to sign under it.</summary>
    public void Signature(IEnumerable<string> lines, XFont font, double room)
    {
        var kept = lines.Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        Need(kept.Count * Leading + room);
        Y += frame.Gap;
        foreach (var line in kept) Line(line, font, Left);
        Y += room;
    }

    /// <summary>The text cut into lines at most <paramref name="width"/> wide, between words (a word too long alone is cut).</summary>
    public List<string> Wrap(string text, XFont font, double width)
    {
        var lines = new List<string>();
        var current = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = current.Length == 0 ? word : $"{current} {word}";
            if (Width(candidate, font) <= width) { current = candidate; continue; }
            if (current.Length > 0) lines.Add(current);
            current = word;
            while (Width(current, font) > width && current.Length > 1)
            {
                var cut = current.Length - 1;
                while (cut > 1 && Width(current[..cut], font) > width) cut--;
                lines.Add(current[..cut]);
                current = current[cut..];
            }
        }
        if (current.Length > 0) lines.Add(current);
        return lines;
    }

    /// <summary>
    /// The pages drawn into <paramref name="pdf"/>, each A4, with the label <paramref name="pageLabel"/> gives it
    /// (page number, page count) at the bottom right when it gives one.
    /// </summary>
    public void Draw(PdfDocument pdf, XFont labelFont, Func<int, int, string?> pageLabel)
    {
        for (var n = 0; n < Pages.Count; n++)
        {
            var page = pdf.AddPage();
            page.Width = XUnit.FromPoint(PdfFrame.PageWidth);
            page.Height = XUnit.FromPoint(PdfFrame.PageHeight);
            using var gfx = XGraphics.FromPdfPage(page);
            foreach (var run in Pages[n]) gfx.DrawString(run.Text, run.Font, XBrushes.Black, run.X, run.Y);
            if (pageLabel(n + 1, Pages.Count) is { } label)
            {
                var width = gfx.MeasureString(label, labelFont).Width;
                gfx.DrawString(label, labelFont, XBrushes.Black, Right - width, PdfFrame.PageHeight - PdfFrame.Mm(12));
            }
        }
    }
}

/// <summary>
/// Saves a PDF so that the same content gives the same bytes: no random font-subset tags, no random XMP ids, the
/// document ids and dates given. What makes a letter's SHA-256 reproducible.
/// </summary>
public static class DeterministicPdf
{
    /// <summary>The document's dates and ids, set before its pages are drawn.</summary>
    /// <param name="seed">What the document's ids derive from (a letter: its correspondence id).</param>
    public static void Identify(PdfDocument pdf, string seed, DateTime date)
    {
        pdf.Info.CreationDate = date;
        pdf.Info.ModificationDate = date;
        var id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(seed)), 0, 16);
        pdf.Internals.FirstDocumentID = id;
        pdf.Internals.SecondDocumentID = id;
    }

    /// <summary>The bytes of a document <see cref="Identify"/> was given <paramref name="seed"/>.</summary>
    public static byte[] Save(PdfDocument pdf, string seed)
    {
        SubsetTags(pdf);
        using var bytes = new MemoryStream();
        pdf.Save(bytes, closeStream: false);
        return FixedXmpIds(bytes.ToArray(), seed);
    }

    /// <summary>
    /// PDFsharp names each embedded font subset with a random six-letter tag ("KQZWAX+DejaVuSans"); the tag is
    /// made of the font's name instead, so the bytes do not change from one rendering to the next.
    /// </summary>
    static void SubsetTags(PdfDocument pdf)
    {
        foreach (var dictionary in pdf.Internals.GetAllObjects().OfType<PdfDictionary>())
        {
            foreach (var key in new[] { "/BaseFont", "/FontName" })
            {
                if (dictionary.Elements.GetName(key) is not { Length: > 8 } name || name[7] != '+') continue;
                var font = name[8..];
                var hash = SHA256.HashData(Encoding.UTF8.GetBytes(font));
                var tag = new string([.. hash.Take(6).Select(b => (char)('A' + b % 26))]);
                dictionary.Elements.SetName(key, $"/{tag}+{font}");
            }
        }
    }

    /// <summary>
    /// PDFsharp writes a new random uuid as the XMP metadata's DocumentID and InstanceID on each save: each is
    /// replaced, in place and at the same length (the cross-reference offsets stay right), by one derived from the seed.
    /// </summary>
    static byte[] FixedXmpIds(byte[] pdf, string seed)
    {
        var text = Encoding.Latin1.GetString(pdf);
        foreach (var element in new[] { "xmpMM:DocumentID", "xmpMM:InstanceID" })
        {
            var open = $"<{element}>uuid:";
            var at = text.IndexOf(open, StringComparison.Ordinal);
            if (at < 0) continue;
            var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{element}"))[..16]).ToString("D");
            Encoding.ASCII.GetBytes(id).CopyTo(pdf, at + open.Length);
        }
        return pdf;
    }
}
