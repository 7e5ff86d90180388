using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Writing;
using static Relance.Correspondence.Tests.Examples;

namespace Relance.Correspondence.Tests;

[Trait("Category", "Unit")]
public class TemplatesTests
{
    [Theory]
    [InlineData("first-reminder", TemplateKind.CourteousReminder, "first-reminder/fr/v3")]
    [InlineData("courtesy-reminder-1", TemplateKind.CourteousReminder, "first-reminder/fr/v3")]
    [InlineData("courtesy-reminder-2", TemplateKind.CourteousReminder, "first-reminder/fr/v3")]
    [InlineData("email-reminder", TemplateKind.CourteousReminder, "first-reminder/fr/v3")]
    [InlineData("reminder-letter", TemplateKind.ReminderLetter, "reminder-letter/fr/v2")]
    [InlineData("warning-letter", TemplateKind.WarningLetter, "warning-letter/fr/v2")]
    [InlineData("formal-notice", TemplateKind.FormalNotice, "formal-notice/fr/v2")]
    [InlineData("invoice-resend", TemplateKind.InvoiceResend, "invoice-resend/fr/v2")]
    public void Each_step_of_the_default_plan_has_its_template(string step, TemplateKind kind, string name)
    {
        // The tone is deliberately another one: the step's own template wins.
        var chosen = Templates.For(Request(step, Tones.Formal) with { Template = null });
        Assert.Equal(kind, chosen);
        Assert.Equal(name, Templates.Library.Find(Templates.Family(chosen!.Value), "fr")!.Name);
    }

    [Theory]
    [InlineData("formal-notice")]
    [InlineData("formal-notice/fr/v1")]
    [InlineData("formal-notice/en/v3")]
    public void The_template_the_plan_names_wins_over_the_step_and_its_version_is_ours(string template) =>
        Assert.Equal(TemplateKind.FormalNotice, Templates.For(Request("my-own-step", Tones.Courteous) with { Template = template }));

    [Theory]
    [InlineData("invoice-resend")]
    [InlineData("invoice-resend/fr/v1")]
    public void A_resend_asked_by_its_template_is_the_invoice_resend_not_the_courteous_reminder_of_its_tone(string template)
    {
        var chosen = Templates.For(Request("invoice-resend", Tones.Courteous) with { Template = template, Level = 0 });
        Assert.Equal(TemplateKind.InvoiceResend, chosen);
        Assert.Equal("invoice-resend/fr/v2", Templates.Library.Find(Templates.Family(chosen!.Value), "fr")!.Name);
    }

    [Theory]
    [InlineData(Tones.Courteous, TemplateKind.CourteousReminder)]
    [InlineData(Tones.Firm, TemplateKind.ReminderLetter)]
    [InlineData(Tones.Formal, TemplateKind.FormalNotice)]
    public void A_step_of_a_plan_of_its_own_is_written_in_its_tone(string tone, TemplateKind kind) =>
        Assert.Equal(kind, Templates.For(Request("second-letter", tone) with { Template = "custom" }));

    [Fact]
    public void An_unknown_step_in_an_unknown_tone_has_no_template() =>
        Assert.Null(Templates.For(Request("second-letter", "threatening")));

    [Fact]
    public void A_request_recorded_before_the_ladder_is_a_courteous_first_reminder()
    {
        var old = new CorrespondenceRequested(ReminderId, "ACME/C1/EUR", "ACME", "first-reminder", "email",
            new Recipient("C1", "Dupont SARL", "compta@dupont.fr"), [F1], AsOf, DateTimeOffset.UnixEpoch);
        Assert.Equal(TemplateKind.CourteousReminder, Templates.For(old));
    }
}
