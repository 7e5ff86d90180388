using System.Security.Cryptography;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Writing;

namespace Relance.CorrespondenceService.Letters;

/// <summary>
/// Lays a document out as a print-ready A4 PDF letter: the sender's letterhead top left, the recipient's address
/// where the window of a French DL window envelope shows it (110 mm from the left edge, 50 mm from the top), the
/// place and date, the registered-letter mention, the subject, the body (paragraphs, bullets, the invoice table),
/// the closing and the signature block; a long letter runs on to further pages, numbered "page n/N". The words
/// are those of the <see cref="Document"/>, as in the text rendering. Pure and deterministic: the document's dates
/// are the date the letter bears, its id derives from the correspondence id, so the same request gives the same
/// bytes (and the same SHA-256).
/// </summary>
public static class PdfLetter
{
    public const string MediaType = "application/pdf";

    static double Mm(double mm) => mm * 72 / 25.4;

    static readonly double PageWidth = Mm(210), PageHeight = Mm(297);
    static readonly double Left = Mm(22), Right = Mm(210 - 20), Top = Mm(18), Bottom = Mm(297 - 22);
    static readonly double WindowLeft = Mm(110), WindowTop = Mm(50), WindowWidth = Mm(85);
    static readonly double BodyTop = Mm(100);
    const double Size = 10, Leading = 13.5, Gap = 6, SmallSize = 8.5, SmallLeading = 11;

    /// <summary>The letter as PDF bytes.</summary>
    public static byte[] Render(Document document, LetterFrame frame, CorrespondenceRequested request, Letterhead from)
    {
        DejaVuFonts.Register();
        var address = request.Recipient.PostalAddress
            ?? throw new ArgumentException($"correspondence {request.ReminderId} has no postal address", nameof(request));
        var regular = new XFont(DejaVuFonts.Family, Size, XFontStyleEx.Regular);
        var bold = new XFont(DejaVuFonts.Family, Size, XFontStyleEx.Bold);
        var small = new XFont(DejaVuFonts.Family, SmallSize, XFontStyleEx.Regular);
        var smallBold = new XFont(DejaVuFonts.Family, SmallSize + 1.5, XFontStyleEx.Bold);

        using var measure = XGraphics.CreateMeasureContext(new XSize(PageWidth, PageHeight), XGraphicsUnit.Point, XPageDirection.Downwards);
        var layout = new Layout(measure);

        // First page: letterhead, address in the window, place and date.
        var y = Top + SmallLeading;
        layout.Text(from.Creditor, smallBold, Left, y);
        foreach (var line in new[] { from.Department }.Concat(from.Address).Append(from.Email).Where(l => !string.IsNullOrWhiteSpace(l)))
            layout.Text(line, small, Left, y += SmallLeading);

        y = WindowTop + Leading;
        layout.Text(request.Recipient.Name, bold, WindowLeft, y, WindowWidth);
        var window = (frame.Attention is null ? [] : new[] { frame.Attention }).Concat(PostalAddresses.Lines(address));
        foreach (var line in window) layout.Text(line, regular, WindowLeft, y += Leading, WindowWidth);

        layout.Text(frame.Dated, regular, WindowLeft, Math.Max(y + 2 * Leading, Mm(90)));

        // The body flows from under the window, on as many pages as it takes.
        layout.Y = BodyTop;
        if (request.Channel == Channels.RegisteredLetter) layout.Paragraph([frame.Registered], bold);
        layout.Paragraph([frame.Subject, frame.Reference], bold);
        foreach (var block in document.Body)
        {
            switch (block)
            {
                case Paragraph p: layout.Paragraph(p.Lines, p.Strong ? bold : regular); break;
                case Bullets b: layout.Bullets(b.Items, regular); break;
                case Table t: layout.Table(t, regular, bold); break;
                default: throw new ArgumentOutOfRangeException(nameof(document), block, null);
            }
        }
        layout.Paragraph([document.Closing], regular);
        layout.Signature(frame.Signature, regular, Mm(25));

        return Write(layout.Pages, document, request, from, small);
    }

    static byte[] Write(List<List<Run>> pages, Document document, CorrespondenceRequested request, Letterhead from, XFont small)
    {
        using var pdf = new PdfDocument();
        var date = request.AsOf.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        pdf.Info.Title = document.Subject;
        pdf.Info.Author = from.Creditor;
        pdf.Info.Subject = document.Template;
        pdf.Info.CreationDate = date;
        pdf.Info.ModificationDate = date;
        // A document id of the correspondence, not a random one.
        var id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"relance-letter:{request.ReminderId:N}")), 0, 16);
        pdf.Internals.FirstDocumentID = id;
        pdf.Internals.SecondDocumentID = id;

        for (var n = 0; n < pages.Count; n++)
        {
            var page = pdf.AddPage();
            page.Width = XUnit.FromPoint(PageWidth);
            page.Height = XUnit.FromPoint(PageHeight);
            using var gfx = XGraphics.FromPdfPage(page);
            foreach (var run in pages[n]) gfx.DrawString(run.Text, run.Font, XBrushes.Black, run.X, run.Y);
            if (pages.Count > 1)
            {
                var number = $"page {n + 1}/{pages.Count}";
                var width = gfx.MeasureString(number, small).Width;
                gfx.DrawString(number, small, XBrushes.Black, Right - width, PageHeight - Mm(12));
            }
        }

        SubsetTags(pdf);
        using var bytes = new MemoryStream();
        pdf.Save(bytes, closeStream: false);
        return FixedXmpIds(bytes.ToArray(), request.ReminderId);
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
    /// replaced, in place and at the same length (the cross-reference offsets stay right), by one derived from the
    /// correspondence id.
    /// </summary>
    static byte[] FixedXmpIds(byte[] pdf, Guid correspondence)
    {
        var text = Encoding.Latin1.GetString(pdf);
        foreach (var element in new[] { "xmpMM:DocumentID", "xmpMM:InstanceID" })
        {
            var open = $"<{element}>uuid:";
            var at = text.IndexOf(open, StringComparison.Ordinal);
            if (at < 0) continue;
            var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"relance-letter:{correspondence:N}:{element}"))[..16]).ToString("D");
            Encoding.ASCII.GetBytes(id).CopyTo(pdf, at + open.Length);
        }
        return pdf;
    }

    sealed record Run(string Text, XFont Font, double X, double Y);

    /// <summary>Places lines on pages, top to bottom, a new page when the next line would cross the bottom margin.</summary>
    sealed class Layout(XGraphics measure)
    {
        public List<List<Run>> Pages { get; } = [[]];
        public double Y { get; set; }

        double Width(string text, XFont font) => measure.MeasureString(text, font).Width;

        public void Text(string text, XFont font, double x, double y, double? width = null)
        {
            foreach (var line in Wrap(text, font, width ?? Right - x)) { Pages[^1].Add(new Run(line, font, x, y)); y += Leading; }
        }

        /// <summary>Room for <paramref name="height"/> more points on this page, or a new page.</summary>
        void Need(double height)
        {
            if (Y + height <= Bottom) return;
            Pages.Add([]);
            Y = Top;
        }

        void Line(string text, XFont font, double x)
        {
            Need(Leading);
            Y += Leading;
            Pages[^1].Add(new Run(text, font, x, Y));
        }

        public void Paragraph(IEnumerable<string> lines, XFont font)
        {
            var wrapped = lines.Where(l => !string.IsNullOrWhiteSpace(l)).SelectMany(l => Wrap(l, font, Right - Left)).ToList();
            if (wrapped.Count <= 4) Need(wrapped.Count * Leading); // a short paragraph kept together
            foreach (var line in wrapped) Line(line, font, Left);
            Y += Gap;
        }

        public void Bullets(IEnumerable<string> items, XFont font, string bullet = "•")
        {
            var indent = Mm(5);
            foreach (var item in items)
            {
                var lines = Wrap(item, font, Right - Left - indent);
                Need(Math.Min(lines.Count, 3) * Leading);
                for (var i = 0; i < lines.Count; i++)
                {
                    if (i == 0) { Line(bullet, font, Left + Mm(1)); Pages[^1].Add(new Run(lines[0], font, Left + indent, Y)); }
                    else Line(lines[i], font, Left + indent);
                }
            }
            Y += Gap;
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
                for (var c = 0; c < columns; c++) Pages[^1].Add(new Run(table.Headers[c], bold, xs[c], Y));
                Y += 3;
            }

            Header();
            foreach (var row in table.Rows)
            {
                if (Y + Leading > Bottom) { Pages.Add([]); Y = Top; Header(); }
                Y += Leading;
                for (var c = 0; c < columns; c++) Pages[^1].Add(new Run(row.Cells[c], font, xs[c], Y));
            }
            Y += Gap + 2;
        }

        /// <summary>The signature block: kept on one page, with room to sign under it.</summary>
        public void Signature(IEnumerable<string> lines, XFont font, double room)
        {
            var kept = lines.Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
            Need(kept.Count * Leading + room);
            Y += Gap;
            foreach (var line in kept) Line(line, font, Left);
            Y += room;
        }

        /// <summary>The text cut into lines at most <paramref name="width"/> wide, between words (a word too long alone is cut).</summary>
        List<string> Wrap(string text, XFont font, double width)
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
    }
}

/// <summary>
/// The letters' font: DejaVu Sans (regular and bold) from Debian's fonts-dejavu-core package, read from disk,
/// so that every machine renders the same glyphs. Missing files fail loudly, naming the package.
/// </summary>
public sealed class DejaVuFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    public const string Directory = "/usr/share/fonts/truetype/dejavu";
    const string Regular = "DejaVuSans", Bold = "DejaVuSans-Bold";
    static readonly Lock Gate = new();

    static string PathOf(string face, string directory = Directory) => Path.Combine(directory, face + ".ttf");

    /// <summary>Throws, naming the Debian package to install, when a font file is missing from <paramref name="directory"/>.</summary>
    public static void EnsureInstalled(string directory = Directory)
    {
        var missing = new[] { Regular, Bold }.Select(face => PathOf(face, directory)).Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"The letters' font is missing ({string.Join(", ", missing)}): install the Debian package fonts-dejavu-core (apt-get install fonts-dejavu-core).");
    }

    public static void Register()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is DejaVuFonts) return;
            EnsureInstalled();
            GlobalFontSettings.FontResolver = new DejaVuFonts();
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => new(bold ? Bold : Regular);

    public byte[]? GetFont(string faceName) => File.ReadAllBytes(PathOf(faceName));
}
