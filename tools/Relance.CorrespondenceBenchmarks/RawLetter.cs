using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.Letters;

namespace Relance.CorrespondenceBenchmarks;

/// <summary>
/// The letters' raw baseline: PDFsharp drawing the letter's own text lines (its plain-text rendering, the same words)
/// on the same number of A4 pages, line under line at fixed positions in the same font, and saving the document. No
/// templates, no wrapping or layout, no deterministic ids, no SHA-256.
/// </summary>
sealed class RawLetter
{
    public const string What = "PDFsharp drawing the letter's text lines on as many A4 pages, no templates or layout";

    readonly string[][] _pages;

    RawLetter(string[][] pages) => _pages = pages;

    public int Pages => _pages.Length;

    /// <summary>The lines of <paramref name="request"/>'s letter, shared out over as many pages as the real letter has.</summary>
    public static RawLetter Of(CorrespondenceRequested request, SenderIdentity sender)
    {
        var letter = ReminderLetter.Render(request, sender.LetterheadOf(request.CompanyId));
        var pages = PageCount(letter.Pdf);
        var lines = letter.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var perPage = (lines.Length + pages - 1) / pages;
        return new RawLetter([.. lines.Chunk(perPage)]);
    }

    public static int PageCount(byte[] pdf) => PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import).PageCount;

    public byte[] Render()
    {
        var regular = new XFont(DejaVuFonts.Family, 10, XFontStyleEx.Regular);
        var bold = new XFont(DejaVuFonts.Family, 10, XFontStyleEx.Bold);
        using var pdf = new PdfDocument();
        foreach (var lines in _pages)
        {
            var page = pdf.AddPage();
            page.Width = XUnit.FromPoint(PdfFrame.PageWidth);
            page.Height = XUnit.FromPoint(PdfFrame.PageHeight);
            using var gfx = XGraphics.FromPdfPage(page);
            var y = PdfFrame.Mm(18);
            for (var i = 0; i < lines.Length; i++) gfx.DrawString(lines[i], i == 0 ? bold : regular, XBrushes.Black, PdfFrame.Mm(22), y += 13.5);
        }
        using var bytes = new MemoryStream();
        pdf.Save(bytes, closeStream: false);
        return bytes.ToArray();
    }
}
