using Relance.CorrespondenceService.Correspondences;

namespace Relance.CorrespondenceService.Writing;

public enum TemplateKind { CourteousReminder, ReminderLetter, WarningLetter, FormalNotice, InvoiceResend }

/// <summary>
/// Which template carries out a request: the one the plan named (its template, else its step), else the one
/// of its tone, so that a plan's own steps are written too. Versions are this service's own.
/// </summary>
public static class Templates
{
    public static string Name(TemplateKind kind) => kind switch
    {
        TemplateKind.CourteousReminder => "first-reminder/fr/v1",
        TemplateKind.ReminderLetter => "reminder-letter/fr/v1",
        TemplateKind.WarningLetter => "warning-letter/fr/v1",
        TemplateKind.FormalNotice => "formal-notice/fr/v1",
        TemplateKind.InvoiceResend => "invoice-resend/fr/v1",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static TemplateKind? For(CorrespondenceRequested request) =>
        ByName(request.Template ?? request.Step) ?? ByTone(request.Tone);

    public static Document Compose(TemplateKind kind, CorrespondenceRequested request, Letterhead from, Medium medium) => kind switch
    {
        TemplateKind.CourteousReminder => CourteousReminder.Compose(request, from, medium),
        TemplateKind.InvoiceResend => InvoiceResend.Compose(request, from, medium),
        _ => PaymentDemand.Compose(kind, request, from, medium),
    };

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
