using System.Collections.Immutable;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Writing;
using Relance.ServiceDefaults;
using static Relance.Correspondence.Tests.Examples;

namespace Relance.Correspondence.Tests;

[Trait("Category", "Unit")]
public class SmsTextsTests
{
    static readonly Letterhead WithBank = Acme with
    {
        Bank = new BankDetails { AccountHolder = "ACME SAS", Iban = "FR76 3000 6000 0112 3456 7890 189", Bic = "AGRIFRPPXXX", BankName = "Banque Exemple Lyon" },
    };

    [Theory]
    [InlineData("first-reminder", Tones.Courteous)]
    [InlineData("reminder-letter", Tones.Firm)]
    [InlineData("warning-letter", Tones.Firm)]
    [InlineData("formal-notice", Tones.Formal)]
    [InlineData("invoice-resend", Tones.Courteous)]
    public void Each_family_has_a_short_text_in_french_and_english_naming_the_creditor_the_invoices_the_total_and_how_to_pay(string family, string tone)
    {
        foreach (var language in new[] { "fr", "en" })
        {
            var (template, text, _) = SmsTexts.Sms(Request(family, tone, "sms") with { Language = language }, WithBank);
            Assert.Equal($"{family}-sms/{language}/v1", template);
            Assert.InRange(text.Length, 60, SmsTexts.MaxLength);
            Assert.StartsWith("ACME SAS", text);
            Assert.Contains("F-1, F-2", text);
            Assert.Contains("FR76 3000 6000 0112 3456 7890 189", text);
            Assert.Contains("recouvrement@acme.example", text);
            Assert.DoesNotContain("\n", text);
            Assert.Contains(language == "fr" ? "1 " : "€1,", Normalised(text));
        }
    }

    [Fact]
    public void Many_invoices_are_counted_rather_than_listed()
    {
        var invoices = Enumerable.Range(1, 40).Select(n => F1 with { InvoiceNumber = $"FACT-2026-{n:0000}" }).ToImmutableList();
        var (_, text, _) = SmsTexts.Sms(Request("formal-notice", Tones.Formal, "sms") with { Invoices = invoices, Claims = [] }, WithBank);
        Assert.Contains("(40 factures)", text);
        Assert.Contains("48 000,00 €", Normalised(text));
        Assert.True(text.Length <= SmsTexts.MaxLength, $"{text.Length} characters");
    }

    [Fact]
    public void A_text_too_long_for_an_sms_is_refused()
    {
        var verbose = WithBank with { Creditor = new string('A', 300) };
        var refused = Assert.Throws<MessageRejectedException>(() => SmsTexts.Sms(Request("first-reminder", Tones.Courteous, "sms"), verbose));
        Assert.Contains("first-reminder-sms/fr/v1 writes", refused.Message);
        Assert.Contains("at most 320", refused.Message);
    }
}
