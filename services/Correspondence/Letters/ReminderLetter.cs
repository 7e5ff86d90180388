using System.Text;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Writing;

namespace Relance.CorrespondenceService.Letters;

/// <param name="Text">The letter in plain text (the same words, for reading and searching).</param>
/// <param name="Pdf">The letter to print and post: the bytes archived and hashed.</param>
public sealed record RenderedLetter(string Template, string Subject, string Text, byte[] Pdf);

/// <summary>
/// Lays a document out as a letter to print and post: as a PDF (<see cref="PdfLetter"/>), and in plain UTF-8
/// text with "\n" line ends, the same words: the sender's details, the recipient's address, the date the letter bears,
/// the registered-letter mention, the subject, the body, and the signature. Pure: same request, same bytes.
/// </summary>
public static class ReminderLetter
{
    /// <summary>The request written with the template that carries it out, as a letter from <paramref name="from"/>.</summary>
    public static RenderedLetter Render(CorrespondenceRequested request, Letterhead from)
    {
        var kind = Templates.For(request) ?? throw new InvalidOperationException($"correspondence {request.ReminderId} has no template");
        var document = Templates.Compose(kind, request, from, Medium.Letter);
        return new RenderedLetter(document.Template, document.Subject, Layout(document, request, from), PdfLetter.Render(document, request, from));
    }

    static string Layout(Document document, CorrespondenceRequested request, Letterhead from)
    {
        var recipient = request.Recipient;
        var address = recipient.PostalAddress
            ?? throw new ArgumentException($"correspondence {request.ReminderId} has no postal address", nameof(request));
        var text = new StringBuilder();

        Lines(text, [from.Creditor, from.Department, .. from.Address, from.Email]);
        Lines(text, [recipient.Name, .. string.IsNullOrWhiteSpace(recipient.ContactName) ? [] : new[] { $"À l'attention de {recipient.ContactName}" },
            .. PostalAddresses.Lines(address)]);
        Lines(text, [$"Le {French.LongDate(request.AsOf)}"]);
        if (request.Channel == Channels.RegisteredLetter) Lines(text, ["Lettre recommandée avec accusé de réception"]);
        Lines(text, [$"Objet : {document.Subject}", $"Référence client : {recipient.CustomerId}"]);
        foreach (var block in document.Body) Lines(text, Text(block));
        Lines(text, [document.Closing]);
        Lines(text, [$"Pour {from.Creditor},", from.Department]);
        text.Append("Signature :\n");
        return text.ToString();
    }

    static IEnumerable<string> Text(Block block) => block switch
    {
        Paragraph p => p.Lines,
        Bullets b => b.Items.Select(i => $"- {i}"),
        Table t => t.Rows.Select(r => $"- {r.Text}"),
        _ => throw new ArgumentOutOfRangeException(nameof(block), block, null),
    };

    // One block: its lines, then a blank line.
    static void Lines(StringBuilder text, IEnumerable<string> lines)
    {
        foreach (var line in lines.Where(l => !string.IsNullOrWhiteSpace(l))) text.Append(line).Append('\n');
        text.Append('\n');
    }
}
