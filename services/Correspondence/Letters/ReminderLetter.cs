using System.Text;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Writing;

namespace Relance.CorrespondenceService.Letters;

/// <param name="Text">The letter in plain text (the same words, for reading and searching).</param>
/// <param name="Pdf">The letter to print and post: the bytes archived and hashed.</param>
public sealed record RenderedLetter(string Template, string Subject, string Text, byte[] Pdf)
{
    public string TemplateSha256 { get; init; } = "";
}

/// <summary>
/// Lays a document out as a letter to print and post: as a PDF (<see cref="PdfLetter"/>), and in plain UTF-8
/// text with "\n" line ends, the same words: the sender's details, the recipient's address, the date the letter bears,
/// the registered-letter mention, the subject, the body, and the signature. A formal notice lacking a mandatory
/// mention is refused (<see cref="FormalNoticeMentions"/>). Pure: same request and templates, same bytes.
/// </summary>
public static class ReminderLetter
{
    /// <summary>The request written with the template that carries it out, as a letter from <paramref name="from"/>.</summary>
    public static RenderedLetter Render(CorrespondenceRequested request, Letterhead from) => Render(request, from, Templates.Library);

    public static RenderedLetter Render(CorrespondenceRequested request, Letterhead from, TemplateLibrary templates)
    {
        var (document, frame, text) = Write(request, from, templates);
        return new RenderedLetter(document.Template, document.Subject, text, PdfLetter.Render(document, frame, request, from))
        {
            TemplateSha256 = document.TemplateSha256,
        };
    }

    /// <summary>The letter's words and its plain text, checked, without the PDF.</summary>
    public static (Document Document, LetterFrame Frame, string Text) Write(CorrespondenceRequested request, Letterhead from, TemplateLibrary templates)
    {
        var kind = Templates.For(request) ?? throw new InvalidOperationException($"correspondence {request.ReminderId} has no template");
        var document = Templates.Compose(templates, kind, request, from, Medium.Letter);
        var frame = LetterFrame.Of(templates, document, request, from);
        var text = Layout(document, frame, request, from);
        if (kind == TemplateKind.FormalNotice) FormalNoticeMentions.Ensure(request, from, document, text, frame.Signature, Medium.Letter);
        return (document, frame, text);
    }

    static string Layout(Document document, LetterFrame frame, CorrespondenceRequested request, Letterhead from)
    {
        var recipient = request.Recipient;
        var address = recipient.PostalAddress
            ?? throw new ArgumentException($"correspondence {request.ReminderId} has no postal address", nameof(request));
        var text = new StringBuilder();

        Lines(text, [from.Creditor, from.Department, .. from.Address, from.Email]);
        Lines(text, [recipient.Name, frame.Attention ?? "", .. PostalAddresses.Lines(address)]);
        Lines(text, [frame.Dated]);
        if (request.Channel == Channels.RegisteredLetter) Lines(text, [frame.Registered]);
        Lines(text, [frame.Subject, frame.Reference]);
        foreach (var block in document.Body) Lines(text, Text(block));
        Lines(text, [document.Closing]);
        // Who signs, then the line to sign on.
        Lines(text, frame.Signature.SkipLast(1));
        if (frame.Signature.Count > 0) text.Append(frame.Signature[^1]).Append('\n');
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
        var kept = lines.Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        if (kept.Count == 0) return;
        foreach (var line in kept) text.Append(line).Append('\n');
        text.Append('\n');
    }
}
