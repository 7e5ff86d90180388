using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.Writing;
using Relance.ServiceDefaults;
using Relance.Tests.Shared;
using static Relance.Correspondence.Tests.Examples;

namespace Relance.Correspondence.Tests;

/// <summary>The templates as files: shipped, overridden by a folder, versioned, per language, checked when loaded.</summary>
[Trait("Category", "Unit")]
public sealed class TemplateLibraryTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("relance-templates-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static string ShippedText(string name) => File.ReadAllText(Path.Combine(TemplateLibrary.Shipped, name + ".liquid"));

    string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name + ".liquid");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static TheoryData<string, string> Families => new()
    {
        { "first-reminder", Tones.Courteous }, { "reminder-letter", Tones.Firm }, { "warning-letter", Tones.Firm },
        { "formal-notice", Tones.Formal }, { "invoice-resend", Tones.Courteous },
    };

    static CorrespondenceRequested In(string language, string family, string tone, string channel) =>
        Request(family, tone, channel) with { Language = language, PaymentDeadlineDays = 8 };

    [Theory]
    [MemberData(nameof(Families))]
    public void Every_family_renders_in_french_and_english_by_email_and_by_letter_recording_its_version_and_hash(string family, string tone)
    {
        // The newest shipped version of each: first-reminder/fr/v3 mends v2's French.
        foreach (var (language, version) in new[] { ("fr", family == "first-reminder" ? "v3" : "v2"), ("en", "v1") })
        {
            var name = $"{family}/{language}/{version}";
            var email = ReminderEmail.Render(In(language, family, tone, Channels.Email), Acme);
            var letter = CorrespondenceService.Letters.ReminderLetter.Render(In(language, family, tone, Channels.RegisteredLetter), Acme);
            Assert.Equal((name, name), (email.Template, letter.Template));
            Assert.Equal(Sha256(ShippedText(name)), email.TemplateSha256);
            Assert.Equal(email.TemplateSha256, letter.TemplateSha256);
            Assert.Contains("F-1", email.Subject);
            Assert.StartsWith(language == "fr" ? "Madame, Monsieur," : "Dear Sir or Madam,", email.Text);
            Assert.Contains(language == "fr" ? "1 200,00 €" : "€1,200.00", Normalised(email.Text));
            Assert.Contains(language == "fr" ? "Pour ACME SAS," : "For ACME SAS,", PdfText.Lines(letter.Pdf));
        }
    }

    [Fact]
    public void The_english_formal_notice_pdf_carries_every_mandatory_mention()
    {
        var pdf = CorrespondenceService.Letters.ReminderLetter.Render(FormalNotice() with { Language = "en" }, Acme).Pdf;
        var lines = PdfText.Lines(pdf);
        var text = PdfText.Flat(pdf);

        Assert.StartsWith("ACME SAS\nService recouvrement\n1 place de l'Exemple\n69002 Lyon\nrecouvrement@acme.example\n", lines);
        Assert.Contains("Dupont <SARL>\nFor the attention of Mme Martin\nBâtiment B\n12 rue de la Paix\n75002 Paris\n", lines);
        Assert.Contains("Lyon, 23 November 2026\n", lines);
        Assert.Contains("Registered letter with acknowledgment of receipt\n", lines);
        Assert.Contains("Subject: Formal notice to pay – unpaid invoices – ACME SAS – F-1, F-2", text);
        Assert.Contains("Customer reference: C1", text);
        Assert.Contains("We hereby give you formal notice to pay us the sum of €1,635.72 by 1 Dec 2026 at the latest, i.e. within 8 days of the date of this letter.", text);
        Assert.Contains("F-1 1 Oct 2026 31 Oct 2026 €1,200.00 23 days overdue\n", lines);
        Assert.Contains("F-2 15 Oct 2026 14 Nov 2026 €345.50 9 days overdue\n", lines);
        Assert.Contains("Invoice F-1: late-payment penalties of €9.19 (23 days at an annual rate of 12.15%", text);
        Assert.Contains("fixed recovery indemnity of €40.00", text);
        Assert.Contains("French Commercial Code (art. L441-10)", text);
        Assert.Contains("Total due: €1,635.72", text);
        Assert.Contains("Failing payment in full within this period, we shall, without further notice, bring legal proceedings", text);
        Assert.Contains("article 1344 of the French Civil Code", text);
        Assert.Contains("• on 21 Oct 2026 at 09:00 (Paris time), by email\n• on 4 Nov 2026 at 10:30 (Paris time), by telephone\n", lines);
        Assert.Contains("Yours faithfully,\n", lines);
        Assert.EndsWith("For ACME SAS,\nService recouvrement\nSignature:\n", string.Concat(PdfText.Pages(pdf)[^1].SkipLast(1).Select(l => l + "\n")));
    }

    [Fact]
    public void A_language_without_templates_is_written_in_french()
    {
        var email = ReminderEmail.Render(ReminderLetter() with { Language = "de" }, Acme);
        Assert.Equal("reminder-letter/fr/v2", email.Template);
        Assert.StartsWith("Madame, Monsieur,", email.Text);
    }

    [Fact]
    public void A_family_missing_in_a_language_is_written_in_french_and_its_letter_frame_too()
    {
        Write("first-reminder/es/v1", ShippedText("first-reminder/fr/v3").Replace("Madame, Monsieur,", "Estimados señores:"));
        var library = TemplateLibrary.Load(TemplateLibrary.Shipped, _folder);

        var courteous = CorrespondenceService.Letters.ReminderLetter.Render(Request("first-reminder", Tones.Courteous, Channels.Letter) with { Language = "es" }, Acme, library);
        Assert.Equal("first-reminder/es/v1", courteous.Template);
        Assert.Contains("Estimados señores:", courteous.Text);
        Assert.Contains("Lyon, le 23 novembre 2026", courteous.Text); // no Spanish letter frame: the French one
        Assert.Equal("formal-notice/fr/v2", CorrespondenceService.Letters.ReminderLetter.Render(FormalNotice() with { Language = "es" }, Acme, library).Template);
    }

    [Fact]
    public void A_higher_version_in_the_folder_is_the_one_used_and_recorded_with_its_hash()
    {
        var text = ShippedText("first-reminder/fr/v3").Replace("Madame, Monsieur,", "Chère cliente, cher client,");
        Write("first-reminder/fr/v4", text);
        var library = TemplateLibrary.Load(TemplateLibrary.Shipped, _folder);

        var email = ReminderEmail.Render(Request("first-reminder", Tones.Courteous), Acme, library);
        Assert.Equal(("first-reminder/fr/v4", Sha256(text)), (email.Template, email.TemplateSha256));
        Assert.StartsWith("Chère cliente, cher client,", email.Text);
        Assert.Equal(["first-reminder/fr/v4", "first-reminder/fr/v3", "first-reminder/fr/v2"], library.All.Where(f => f is { Family: "first-reminder", Language: "fr" }).Select(f => f.Name));
        // The shipped library is not changed by another's folder.
        Assert.Equal("first-reminder/fr/v3", ReminderEmail.Render(Request("first-reminder", Tones.Courteous), Acme).Template);
    }

    [Fact]
    public void A_file_of_the_same_name_in_the_folder_replaces_the_shipped_one()
    {
        var text = ShippedText("warning-letter/en/v1").Replace("Dear Sir or Madam,", "Dear Customer,");
        var path = Write("warning-letter/en/v1", text);
        var library = TemplateLibrary.Load(TemplateLibrary.Shipped, _folder);

        var email = ReminderEmail.Render(WarningLetter(Channels.Email) with { Language = "en" }, Acme, library);
        Assert.Equal(("warning-letter/en/v1", Sha256(text)), (email.Template, email.TemplateSha256));
        Assert.StartsWith("Dear Customer,", email.Text);
        Assert.Equal(path, library.Find("warning-letter", "en")!.Path);
    }

    [Fact]
    public void A_template_that_does_not_parse_fails_the_load_naming_its_file_and_line()
    {
        var path = Write("first-reminder/fr/v3", "@subject Relance\n\nMadame, Monsieur,\n{% if overdue %}\nSauf erreur\n");
        var refused = Assert.Throws<TemplateException>(() => TemplateLibrary.Load(TemplateLibrary.Shipped, _folder));
        Assert.Contains(path, refused.Message);
        Assert.Matches(@"\(5:\d+\)|\(6:\d+\)", refused.Message);
    }

    [Fact]
    public void The_service_does_not_start_with_a_template_folder_holding_a_broken_formal_notice()
    {
        var path = Write("formal-notice/en/v2", ShippedText("formal-notice/en/v1").Replace("@role consequences", ""));
        var refused = Assert.Throws<TemplateException>(() => CorrespondenceService.CorrespondenceApp.Build([$"--Correspondence:Templates:Path={_folder}", "--Auth:SigningKey=a-test-key-of-at-least-thirty-two-bytes"]));
        Assert.Contains(path, refused.Message);
        Assert.Contains("the consequences of non-payment", refused.Message);
    }

    [Fact]
    public void A_misnamed_file_or_a_missing_folder_fails_the_load()
    {
        Assert.Contains("does not exist", Assert.Throws<TemplateException>(() => TemplateLibrary.Load(TemplateLibrary.Shipped, Path.Combine(_folder, "nope"))).Message);
        var path = Write("first-reminder/fr/latest", "Madame,");
        Assert.Contains($"{path}: not a template name", Assert.Throws<TemplateException>(() => TemplateLibrary.Load(TemplateLibrary.Shipped, _folder)).Message);
    }

    [Fact]
    public void A_template_writing_a_malformed_table_fails_the_load()
    {
        var path = Write("reminder-letter/en/v2", ShippedText("reminder-letter/en/v1").Replace("| Invoice | Date | Due date | Outstanding | Overdue |", "| Invoice | Date |"));
        var refused = Assert.Throws<TemplateException>(() => TemplateLibrary.Load(TemplateLibrary.Shipped, _folder));
        Assert.Contains(path, refused.Message);
        Assert.Contains("has 5 cells, its header 2", refused.Message);
    }

    // Each mandatory mention a template controls, removed in turn from the formal notice or from the letter's frame.
    public static TheoryData<string, string, string, string> Mentions => new()
    {
        { "formal-notice/fr/v2", "mise en demeure", "dernière relance", "the words \"mise en demeure\"" },
        { "formal-notice/en/v1", "formal notice", "final demand", "the words \"formal notice\"" },
        { "formal-notice/fr/v2", "{{ i.outstanding }}", "", "invoice F-1 with its amount (1 200,00 €)" },
        { "formal-notice/en/v1", "{{ i.outstanding }}", "", "invoice F-1 with its amount (€1,200.00)" },
        { "formal-notice/fr/v2", "{{ by }}", "dès que possible", "the deadline to pay (its date)" },
        { "formal-notice/en/v1", "{{ by }}", "as soon as possible", "the deadline to pay (its date)" },
        { "formal-notice/fr/v2", "@role consequences", "", "the consequences of non-payment" },
        { "formal-notice/en/v1", "@role consequences", "", "the consequences of non-payment" },
        { "letter/fr/v1", "@dated", "@nothing", "the date of sending (23 novembre 2026)" },
        { "letter/en/v1", "@dated", "@nothing", "the date of sending (23 November 2026)" },
        { "letter/fr/v1", "@signed Pour {{ creditor }},", "", "the signature (on behalf of the creditor)" },
        { "letter/en/v1", "@signed For {{ creditor }},", "", "the signature (on behalf of the creditor)" },
    };

    [Theory]
    [MemberData(nameof(Mentions))]
    public void A_formal_notice_template_lacking_a_mandatory_mention_fails_the_load_naming_it(string shipped, string remove, string instead, string mention)
    {
        var text = ShippedText(shipped);
        Assert.Contains(remove, text);
        var next = shipped[..^1] + (int.Parse(shipped[^1..]) + 1);
        Write(next, Regex.Replace(text, Regex.Escape(remove), instead, RegexOptions.IgnoreCase));

        var refused = Assert.Throws<TemplateException>(() => TemplateLibrary.Load(TemplateLibrary.Shipped, _folder));
        Assert.Contains(mention, Normalised(refused.Message));
        Assert.Contains("a mandatory mention of a formal notice", refused.Message);
        Assert.Contains(Path.Combine(_folder, next + ".liquid"), refused.Message);
    }

    [Fact]
    public void A_formal_notice_from_a_creditor_with_no_postal_address_is_refused_at_rendering()
    {
        var nowhere = Acme with { Address = [] };
        foreach (var channel in new[] { Channels.RegisteredLetter, Channels.Email })
        {
            var refused = Assert.Throws<MessageRejectedException>(() => channel == Channels.Email
                ? (object)ReminderEmail.Render(FormalNotice(channel), nowhere)
                : CorrespondenceService.Letters.ReminderLetter.Render(FormalNotice(channel), nowhere));
            Assert.Equal("FormalNotice", Assert.Single(refused.Reasons).Field);
            Assert.Contains("formal-notice/fr/v2 lacks the sender's details: no postal address is configured for the creditor", refused.Message);
        }
        // Other letters go without it.
        Assert.Equal("warning-letter/fr/v2", CorrespondenceService.Letters.ReminderLetter.Render(WarningLetter(), nowhere).Template);
    }

    [Fact]
    public void Every_mention_of_the_shipped_formal_notices_is_found_by_the_check()
    {
        foreach (var language in new[] { "fr", "en" })
        {
            var request = FormalNotice() with { Language = language };
            var (document, frame, text) = CorrespondenceService.Letters.ReminderLetter.Write(request, Acme, Templates.Library);
            Assert.Empty(FormalNoticeMentions.Missing(request, Acme, document, text, frame.Signature, Medium.Letter));
            // The same text without the recipient's address is refused.
            Assert.Contains("the recipient's details (name and postal address)",
                FormalNoticeMentions.Missing(request, Acme, document, text.Replace("12 rue de la Paix", ""), frame.Signature, Medium.Letter));
        }
    }
}
