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

    static double Mm(double mm) => PdfFrame.Mm(mm);

    static readonly double PageWidth = PdfFrame.PageWidth, PageHeight = PdfFrame.PageHeight;
    static readonly double Left = Mm(22), Right = Mm(210 - 20), Top = Mm(18), Bottom = Mm(297 - 22);
    static readonly double WindowLeft = Mm(110), WindowTop = Mm(50), WindowWidth = Mm(85);
    static readonly double BodyTop = Mm(100);
    const double Size = 10, Leading = 13.5, Gap = 6, SmallSize = 8.5, SmallLeading = 11;
    static readonly PdfFrame Frame = new(Left, Right, Top, Bottom, Leading, Gap);

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
        var layout = new PdfFlow(measure, Frame);

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

        return Write(layout, document, request, from, small);
    }

    static byte[] Write(PdfFlow layout, Document document, CorrespondenceRequested request, Letterhead from, XFont small)
    {
        using var pdf = new PdfDocument();
        pdf.Info.Title = document.Subject;
        pdf.Info.Author = from.Creditor;
        pdf.Info.Subject = document.Template;
        // A document id of the correspondence, not a random one.
        var seed = $"relance-letter:{request.ReminderId:N}";
        DeterministicPdf.Identify(pdf, seed, request.AsOf.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        layout.Draw(pdf, small, (n, count) => count > 1 ? $"page {n}/{count}" : null);
        return DeterministicPdf.Save(pdf, seed);
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
