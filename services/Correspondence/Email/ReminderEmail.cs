using System.Net;
using System.Text;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Writing;

namespace Relance.CorrespondenceService.Email;

public sealed record RenderedEmail(string Template, string Subject, string Text, string Html)
{
    public string TemplateSha256 { get; init; } = "";
}

/// <summary>
/// Lays a document out as an email: a plain-text part and an HTML part saying the same, closed by the
/// department, the creditor and its postal address when configured. A formal notice lacking a mandatory mention
/// is refused (<see cref="FormalNoticeMentions"/>). Pure: same document, same email.
/// </summary>
public static class ReminderEmail
{
    /// <summary>The request written with the template that carries it out, as an email from <paramref name="from"/>.</summary>
    public static RenderedEmail Render(CorrespondenceRequested request, Letterhead from) => Render(request, from, Templates.Library);

    public static RenderedEmail Render(CorrespondenceRequested request, Letterhead from, TemplateLibrary templates)
    {
        var kind = Templates.For(request) ?? throw new InvalidOperationException($"correspondence {request.ReminderId} has no template");
        var document = Templates.Compose(templates, kind, request, from, Medium.Email);
        IReadOnlyList<string> signature = [document.Closing, from.Department, from.Creditor, .. from.Address.Where(l => !string.IsNullOrWhiteSpace(l))];
        IReadOnlyList<Block> blocks = [.. document.Body, new Paragraph(signature)];
        var email = new RenderedEmail(document.Template, document.Subject,
            string.Join("\n", blocks.Select(Text)),
            string.Concat(blocks.Select(Html))) { TemplateSha256 = document.TemplateSha256 };
        if (kind == TemplateKind.FormalNotice) FormalNoticeMentions.Ensure(request, from, document, email.Text, signature.Skip(1).ToList(), Medium.Email);
        return email;
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
            // Headers are the template's own words, not values (those are escaped as they enter the template).
            .AppendJoin("", t.Headers.Select(h => $"<th>{h}</th>")).Append("</tr>")
            .AppendJoin("", t.Rows.Select(r => $"<tr>{string.Concat(r.Cells.Select(c => $"<td>{H(c)}</td>"))}</tr>"))
            .Append("</table>").ToString(),
        _ => throw new ArgumentOutOfRangeException(nameof(block), block, null),
    };

    static string Lines(IEnumerable<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    static string H(string text) => WebUtility.HtmlEncode(text);
}
