using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Writing;

namespace Relance.CorrespondenceService.Letters;

/// <summary>
/// The words around a letter's body, from the <c>letter</c> template of the document's language: the line naming
/// the contact, the place and date, the registered-letter mention, the subject and reference lines, and the
/// signature block (<c>@signed</c>, the department, <c>@signature</c>).
/// </summary>
public sealed record LetterFrame(string? Attention, string Dated, string Registered, string Subject, string Reference, IReadOnlyList<string> Signature)
{
    public static LetterFrame Of(TemplateLibrary templates, Document document, CorrespondenceRequested request, Letterhead from)
    {
        var file = templates.Find(Templates.LetterFamily, document.Language)
                   ?? throw new TemplateException($"no template for {Templates.LetterFamily} in the templates folders");
        var model = TemplateModel.Of(request, from, TemplateModel.Letter, file.Language);
        model["subject"] = document.Subject;
        var fields = TemplateLibrary.Render(file, model).Fields;
        string Field(string name) => fields.GetValueOrDefault(name, "");
        return new LetterFrame(
            Field("attention") is { Length: > 0 } attention ? attention : null,
            Field("dated"), Field("registered"), Field("subject"), Field("reference"),
            [.. new[] { Field("signed"), from.Department, Field("signature") }.Where(l => !string.IsNullOrWhiteSpace(l))]);
    }
}
