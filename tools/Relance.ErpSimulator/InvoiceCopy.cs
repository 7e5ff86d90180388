using System.Globalization;
using System.Text;

/// <summary>
/// A one-page PDF copy of a simulated invoice (PDF 1.4, Helvetica, no embedded font), sent with the invoice as its
/// content: the demo's reminder emails then carry a real attachment, where a URL to an ERP that does not exist would
/// only be fetched in vain.
/// </summary>
static class InvoiceCopy
{
    public static string Base64(string company, string number, string customer, DateOnly issued, DateOnly due, decimal includingVat)
    {
        var lines = new[]
        {
            $"{company} - Facture {number}",
            $"Client : {customer}",
            $"Date : {issued:dd/MM/yyyy}    Echeance : {due:dd/MM/yyyy}",
            $"Montant TTC : {includingVat.ToString("0.00", CultureInfo.InvariantCulture).Replace('.', ',')} EUR",
            "Copie generee par le simulateur d'ERP de Relance.",
        };
        var text = new StringBuilder("BT /F1 12 Tf 72 770 Td 16 TL\n");
        foreach (var line in lines) text.Append('(').Append(Escape(line)).Append(") Tj T*\n");
        text.Append("ET");
        var content = text.ToString();
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            $"<< /Length {Encoding.Latin1.GetByteCount(content)} >>\nstream\n{content}\nendstream",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.Latin1.GetByteCount(pdf.ToString()));
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = Encoding.Latin1.GetByteCount(pdf.ToString());
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) pdf.Append($"{offset:D10} 00000 n \n");
        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Convert.ToBase64String(Encoding.Latin1.GetBytes(pdf.ToString()));
    }

    // Latin-1 text in a PDF string: parentheses and backslashes escaped; anything outside Latin-1 becomes '?'.
    static string Escape(string text) =>
        new(text.Replace("\\", "\\\\").Replace("(", "\\(").Replace(")", "\\)").Select(c => c <= '\u00ff' ? c : '?').ToArray());
}
