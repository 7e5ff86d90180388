using System.Net;
using System.Text;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Writing;

namespace Relance.CorrespondenceService.Email;

public sealed record RenderedEmail(string Template, string Subject, string Text, string Html);

/// <summary>
/// Lays a document out as an email: a plain-text part and an HTML part saying the same, closed by the
/// department and the creditor. Pure: same document, same email.
/// </summary>
public static class ReminderEmail
{
    /// <summary>The request written with the template that carries it out, as an email.</summary>
    /// <param name="creditor">The company the invoices are owed to, as the debtor knows it.</param>
    public static RenderedEmail Render(CorrespondenceRequested request, string creditor, string senderName)
    {
        var kind = Templates.For(request) ?? throw new InvalidOperationException($"correspondence {request.ReminderId} has no template");
        // An email needs no postal letterhead: its sender is in its From header.
        return Layout(Templates.Compose(kind, request, new Letterhead(creditor, senderName, "", []), Medium.Email), senderName, creditor);
    }

    static RenderedEmail Layout(Document document, string senderName, string creditor)
    {
        IReadOnlyList<Block> blocks = [.. document.Body, new Paragraph([document.Closing, senderName, creditor])];
        return new RenderedEmail(document.Template, document.Subject,
            string.Join("\n", blocks.Select(Text)),
            string.Concat(blocks.Select(Html)));
    }

    static string Text(Block block) => block switch
    {
        Paragraph p => Lines(p.Lines),
        Bullets b => Lines(b.Items.Select(i => $"- {i}")),
        Table t => Lines(t.Rows.Select(r => $"- {r.Text}")),
        _ => throw new ArgumentOutOfRangeException(nameof(block), block, null),
    };

    static string Html(Block block) => block switch
    {
        Paragraph { Strong: true } p => $"<p><strong>{string.Join("<br>", p.Lines.Select(H))}</strong></p>",
        Paragraph p => $"<p>{string.Join("<br>", p.Lines.Select(H))}</p>",
        Bullets b => $"<ul>{string.Concat(b.Items.Select(i => $"<li>{H(i)}</li>"))}</ul>",
        Table t => new StringBuilder("<table border=\"1\" cellpadding=\"6\" cellspacing=\"0\"><tr>")
            // Headers are the template's own words, written as they were in first-reminder/fr/v1.
            .AppendJoin("", t.Headers.Select(h => $"<th>{h}</th>")).Append("</tr>")
            .AppendJoin("", t.Rows.Select(r => $"<tr>{string.Concat(r.Cells.Select(c => $"<td>{H(c)}</td>"))}</tr>"))
            .Append("</table>").ToString(),
        _ => throw new ArgumentOutOfRangeException(nameof(block), block, null),
    };

    static string Lines(IEnumerable<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    static string H(string text) => WebUtility.HtmlEncode(text);
}
