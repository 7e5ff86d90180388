using System.Text.RegularExpressions;
using Relance.CorrespondenceService.Correspondences;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Writing;

/// <summary>
/// The short text of a step sent by SMS: the family's <c>-sms</c> template ("formal-notice-sms/fr/v1") in the
/// request's language, on one line, at most <see cref="MaxLength"/> characters (two SMS).
/// </summary>
public static class SmsTexts
{
    public const int MaxLength = 320;

    public static (string Template, string Text, string TemplateSha256) Sms(CorrespondenceRequested request, Letterhead from) => Sms(request, from, Templates.Library);

    /// <exception cref="MessageRejectedException">No template for the request, or its text is longer than <see cref="MaxLength"/>.</exception>
    public static (string Template, string Text, string TemplateSha256) Sms(CorrespondenceRequested request, Letterhead from, TemplateLibrary templates)
    {
        var family = Templates.For(request) is { } kind ? Templates.SmsFamily(kind) : null;
        var file = family is null ? null : templates.Find(family, request.Language);
        if (file is null)
            throw new MessageRejectedException([("Template", $"no SMS template for step '{request.Step}' nor for tone '{request.Tone}'")]);
        var markup = TemplateLibrary.Render(file, TemplateModel.Of(request, from, TemplateModel.Sms, file.Language));
        var text = Regex.Replace(string.Join(" ", markup.Blocks.SelectMany(Lines)), @"\s+", " ").Trim();
        return text.Length <= MaxLength ? (file.Name, text, file.Sha256)
            : throw new MessageRejectedException([("Template", $"{file.Name} writes {text.Length} characters for this request; an SMS takes at most {MaxLength}")]);
    }

    static IEnumerable<string> Lines(Block block) => block switch
    {
        Paragraph p => p.Lines,
        Bullets b => b.Items,
        Table t => t.Rows.Select(r => r.Text),
        _ => [],
    };
}
