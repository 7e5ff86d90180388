using System.Text;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Letters;
using static Relance.Correspondence.Tests.Examples;

namespace Relance.Correspondence.Tests;

[Trait("Category", "Unit")]
public class ReminderLetterTests
{
    static string Letter(CorrespondenceRequested request) =>
        CorrespondenceService.Letters.ReminderLetter.Render(request, Acme).Text;

    [Fact]
    public void A_formal_notice_carries_the_senders_and_recipients_details_the_date_and_the_registered_mention_before_the_subject()
    {
        var letter = Normalised(Letter(FormalNotice()));
        Assert.StartsWith(
            "ACME SAS\nService recouvrement\n1 place de l'Exemple\n69002 Lyon\nrecouvrement@acme.example\n\n" +
            "Dupont <SARL>\nÀ l'attention de Mme Martin\nBâtiment B\n12 rue de la Paix\n75002 Paris\n\n" +
            "Lyon, le 23 novembre 2026\n\n" +
            "Lettre recommandée avec accusé de réception\n\n" +
            "Objet : Mise en demeure de payer – factures impayées – ACME SAS – F-1, F-2\n" +
            "Référence client : C1\n\n" +
            "Madame, Monsieur,\n\n", letter);
        Assert.Contains("nous vous mettons en demeure de nous régler la somme de 1 635,72 € au plus tard le 01/12/2026", letter);
        Assert.Contains("- Facture F-2 du 15/10/2026, échéance le 14/11/2026 : 345,50 € (en retard de 9 jours)\n", letter);
        Assert.Contains("- Facture F-1 : pénalités de retard de 9,19 € (23 jours au taux annuel de 12,15 %", letter);
        Assert.Contains("- le 04/11/2026 à 10h30, par téléphone\n", letter);
    }

    [Fact]
    public void It_ends_with_the_closing_the_creditor_the_department_and_a_line_to_sign() =>
        Assert.EndsWith(
            "Pour toute question sur ces factures, vous pouvez nous écrire à recouvrement@acme.example.\n\n" +
            "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.\n\n" +
            "Pour ACME SAS,\nService recouvrement\n\nSignature :\n", Letter(FormalNotice()));

    [Fact]
    public void It_records_the_template_and_the_subject()
    {
        var letter = CorrespondenceService.Letters.ReminderLetter.Render(WarningLetter(), Acme);
        Assert.Equal(("warning-letter/fr/v2", "Avertissement avant recouvrement – factures impayées – ACME SAS – F-1, F-2"), (letter.Template, letter.Subject));
    }

    [Fact]
    public void A_plain_letter_has_no_registered_mention()
    {
        Assert.DoesNotContain("recommandée", Letter(WarningLetter(Channels.Letter)));
        Assert.Contains("\nObjet : Avertissement avant recouvrement – factures impayées – ACME SAS – F-1, F-2\n", Letter(WarningLetter(Channels.Letter)));
    }

    [Fact]
    public void A_courteous_letter_is_the_first_reminder_asking_to_write_rather_than_to_reply()
    {
        var letter = Normalised(Letter(Request("courtesy-reminder-1", Tones.Courteous, Channels.Letter)));
        Assert.Contains("\nObjet : Relance : factures ACME SAS en attente de règlement (F-1, F-2)\n", letter);
        Assert.Contains("Sauf erreur de notre part, les factures suivantes de ACME SAS restent à régler à ce jour :", letter);
        Assert.Contains("vous pouvez nous écrire à recouvrement@acme.example.", letter);
        Assert.DoesNotContain("répondre à ce courriel", letter);
        Assert.Contains("\nCordialement,\n\nPour ACME SAS,\n", letter);
    }

    [Fact]
    public void Without_a_contact_the_letter_goes_to_the_company_and_abroad_the_country_is_printed()
    {
        var abroad = FormalNotice() with
        {
            Recipient = FormalNotice().Recipient with { ContactName = null, PostalAddress = new(["Rue Neuve 1"], "1000", "Bruxelles", "Belgique") },
        };
        Assert.Contains("\n\nDupont <SARL>\nRue Neuve 1\n1000 Bruxelles\nBelgique\n\n", Letter(abroad));
        Assert.DoesNotContain("attention", Letter(abroad));
    }

    [Fact]
    public void The_first_of_the_month_is_the_premier()
    {
        Assert.Contains("\nLyon, le 1er décembre 2026\n", Letter(FormalNotice() with { AsOf = new(2026, 12, 1) }));
        Assert.Contains("\nLyon, le 2 décembre 2026\n", Letter(FormalNotice() with { AsOf = new(2026, 12, 2) }));
    }

    [Fact]
    public void The_same_request_gives_the_same_bytes_with_unix_line_ends()
    {
        var letter = Letter(FormalNotice());
        Assert.Equal(letter, Letter(FormalNotice()));
        Assert.DoesNotContain("\r", letter);
        Assert.Equal(letter, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(letter)));
    }

    [Fact]
    public void On_one_line_the_address_names_the_addressee_and_the_country() =>
        Assert.Equal("Dupont SARL, Bâtiment B, 12 rue de la Paix, 75002 Paris, France", PostalAddresses.OnOneLine("Dupont SARL", Paris));
}
