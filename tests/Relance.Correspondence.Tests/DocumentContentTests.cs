using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.Writing;
using Relance.Tests.Shared;
using static Relance.Correspondence.Tests.Examples;

namespace Relance.Correspondence.Tests;

/// <summary>What the seeds and the law ask a reminder letter to show: the payment clause, the postponed due date, the bank details.</summary>
[Trait("Category", "Unit")]
public class DocumentContentTests
{
    static readonly BankDetails Rib = new() { AccountHolder = "ACME SAS", Iban = "FR76 3000 6000 0112 3456 7890 189", Bic = "AGRIFRPPXXX", BankName = "Banque Exemple Lyon" };

    // F-1's due date was moved from 20/10 to 31/10; its contract says how to pay.
    static CorrespondenceRequested WithClauseAndPostponement(CorrespondenceRequested request) => request with
    {
        Invoices = [F2, F1 with { OriginalDueDate = new(2026, 10, 20), PaymentClause = "Paiement à 30 jours date de facture, par virement." }],
    };

    [Fact]
    public void The_reminder_letter_quotes_the_payment_clause_and_shows_the_original_and_postponed_due_dates()
    {
        var pdf = CorrespondenceService.Letters.ReminderLetter.Render(WithClauseAndPostponement(ReminderLetter(Channels.Letter)), Acme).Pdf;
        var text = PdfText.Flat(pdf);
        Assert.Contains("L'échéance de la facture F-1, initialement fixée au 20/10/2026, a été reportée au 31/10/2026.", text);
        Assert.Contains("Nous vous rappelons la clause de paiement du contrat : • Facture F-1 : « Paiement à 30 jours date de facture, par virement. »", text);
        Assert.DoesNotContain("F-2, initialement", text);
    }

    [Fact]
    public void In_english_too()
    {
        var text = PdfText.Flat(CorrespondenceService.Letters.ReminderLetter.Render(WithClauseAndPostponement(ReminderLetter(Channels.Letter)) with { Language = "en" }, Acme).Pdf);
        Assert.Contains("The due date of invoice F-1, originally 20 Oct 2026, was postponed to 31 Oct 2026.", text);
        Assert.Contains("We would remind you of the payment clause of the contract: • Invoice F-1: “Paiement à 30 jours date de facture, par virement.”", text);
        Assert.Contains("Subject: Reminder of unpaid invoices – ACME SAS – F-1, F-2", text);
    }

    [Fact]
    public void An_unchanged_due_date_or_no_clause_says_nothing_of_them()
    {
        var text = Normalised(ReminderEmail.Render(ReminderLetter() with { Invoices = [F2, F1 with { OriginalDueDate = F1.DueDate, PaymentClause = " " }] }, Acme).Text);
        Assert.DoesNotContain("reportée", text);
        Assert.DoesNotContain("clause", text);
    }

    [Fact]
    public void Bank_details_are_printed_in_emails_and_letters_when_configured()
    {
        var banked = Acme with { Bank = Rib };
        var email = Normalised(ReminderEmail.Render(ReminderLetter(), banked).Text);
        Assert.Contains("Pour un règlement par virement :\nTitulaire du compte : ACME SAS\nIBAN : FR76 3000 6000 0112 3456 7890 189 – BIC : AGRIFRPPXXX – Banque Exemple Lyon\n", email);
        var letter = PdfText.Flat(CorrespondenceService.Letters.ReminderLetter.Render(Request("first-reminder", Tones.Courteous, Channels.Letter) with { Language = "en" }, banked).Pdf);
        Assert.Contains("For payment by bank transfer: Account holder: ACME SAS IBAN: FR76 3000 6000 0112 3456 7890 189 – BIC: AGRIFRPPXXX – Banque Exemple Lyon", letter);
        Assert.DoesNotContain("IBAN", ReminderEmail.Render(ReminderLetter(), Acme).Text);
    }

    [Fact]
    public void The_sender_configuration_gives_each_company_its_bank_details()
    {
        var sender = new SenderIdentity { Companies = new() { ["ACME"] = "ACME SAS" }, Banks = new() { ["ACME"] = Rib } };
        Assert.Equal(Rib, sender.LetterheadOf("ACME").Bank);
        Assert.Null(sender.LetterheadOf("BATIPRO").Bank);
    }

    [Fact]
    public void What_the_erp_wrote_cannot_break_the_markup()
    {
        var odd = F1 with { InvoiceNumber = "F|1", PaymentClause = "ligne 1\n- ligne 2 | @subject piraté" };
        var email = ReminderEmail.Render(ReminderLetter() with { Invoices = [odd], Claims = [] }, Acme);
        Assert.Equal("Relance pour facture impayée – ACME SAS – F|1", email.Subject);
        Assert.Contains("<td>F|1</td>", email.Html);
        Assert.Contains("- Facture F|1 : « ligne 1 - ligne 2 | @subject piraté »", email.Text);
    }
}
