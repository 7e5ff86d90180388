using Relance.CorrespondenceService.Correspondences;

namespace Relance.CorrespondenceService.Writing;

public enum TemplateKind { CourteousReminder, ReminderLetter, WarningLetter, FormalNotice, InvoiceResend }

/// <summary>
/// Which template carries out a request: the one the plan named (its template, else its step), else the one
/// of its tone, so that a plan's own steps are written too. Versions and languages are this service's own: the
/// highest version in the request's language (<see cref="TemplateLibrary.Find"/>).
/// </summary>
public static class Templates
{
    /// <summary>The frame of every letter: date line, subject and reference labels, signature block.</summary>
    public const string LetterFamily = "letter";

    static Lazy<TemplateLibrary> _library = new(() => TemplateLibrary.Load(TemplateLibrary.Shipped));

    /// <summary>The templates in use: the shipped ones unless the service started with an override folder (<see cref="Use"/>).</summary>
    public static TemplateLibrary Library => _library.Value;

    /// <summary>Called once at start, with the library loaded and checked from the configured folders.</summary>
    public static void Use(TemplateLibrary library) => _library = new(library);

    public static string Family(TemplateKind kind) => kind switch
    {
        TemplateKind.CourteousReminder => "first-reminder",
        TemplateKind.ReminderLetter => "reminder-letter",
        TemplateKind.WarningLetter => "warning-letter",
        TemplateKind.FormalNotice => "formal-notice",
        TemplateKind.InvoiceResend => "invoice-resend",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The family of a document's short text by SMS: "formal-notice-sms".</summary>
    public static string SmsFamily(TemplateKind kind) => Family(kind) + "-sms";

    public static TemplateKind? For(CorrespondenceRequested request) =>
        ByName(request.Template ?? request.Step) ?? ByTone(request.Tone);

    /// <summary>The request written with the family's template in its language, for <paramref name="medium"/>.</summary>
    public static Document Compose(TemplateLibrary library, TemplateKind kind, CorrespondenceRequested request, Letterhead from, Medium medium)
    {
        var file = library.Find(Family(kind), request.Language)
                   ?? throw new TemplateException($"no template for {Family(kind)} in the templates folders");
        var markup = TemplateLibrary.Render(file, TemplateModel.Of(request, from, medium == Medium.Email ? TemplateModel.Email : TemplateModel.Letter, file.Language));
        return new Document(file.Name, markup.Fields.GetValueOrDefault("subject", ""), markup.Blocks, markup.Fields.GetValueOrDefault("closing", ""))
        {
            TemplateSha256 = file.Sha256,
            Language = file.Language,
        };
    }

    // "formal-notice", or a name already versioned like "formal-notice/fr/v1": the family is what counts.
    static TemplateKind? ByName(string name) => name.Split('/')[0] switch
    {
        "first-reminder" or "email-reminder" => TemplateKind.CourteousReminder,
        var family when family.StartsWith("courtesy-reminder", StringComparison.Ordinal) => TemplateKind.CourteousReminder,
        "reminder-letter" => TemplateKind.ReminderLetter,
        "warning-letter" => TemplateKind.WarningLetter,
        "formal-notice" => TemplateKind.FormalNotice,
        // Not a step of the ladder: the references of invoices the customer says it never received.
        "invoice-resend" => TemplateKind.InvoiceResend,
        _ => null,
    };

    static TemplateKind? ByTone(string tone) => tone switch
    {
        Tones.Courteous => TemplateKind.CourteousReminder,
        Tones.Firm => TemplateKind.ReminderLetter,
        Tones.Formal => TemplateKind.FormalNotice,
        _ => null,
    };
}
