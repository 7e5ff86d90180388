using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Email;
using static Relance.Correspondence.Tests.Examples;

namespace Relance.Correspondence.Tests;

/// <summary>The firm and formal templates, as emails (their words are the same in letters).</summary>
[Trait("Category", "Unit")]
public class PaymentDemandTests
{
    // A formal notice names the creditor's postal address: the letterhead has one, and the emails print it under the signature.
    static RenderedEmail Email(CorrespondenceRequested request) => ReminderEmail.Render(request, Acme);

    static string Text(CorrespondenceRequested request) => Normalised(Email(request).Text).ReplaceLineEndings("\n");

    [Fact]
    public void The_reminder_letter_is_a_relance_pour_factures_impayees()
    {
        var email = Email(ReminderLetter());
        Assert.Equal("reminder-letter/fr/v2", email.Template);
        Assert.Equal("Relance pour factures impayées – ACME SAS – F-1, F-2", email.Subject);
        Assert.Equal("Relance pour facture impayée – ACME SAS – F-1", Email(ReminderLetter() with { Invoices = [F1], Claims = [OnF1] }).Subject);
    }

    [Fact]
    public void It_recalls_the_earlier_actions_oldest_first_with_their_dates_and_paris_times()
    {
        var text = Text(ReminderLetter());
        Assert.Contains("Nos précédentes relances sont restées sans effet :\n\n" +
                        "- le 21/10/2026 à 09h00, par courriel\n" +
                        "- le 04/11/2026 à 10h30, par téléphone\n", text);
        Assert.Contains("Notre précédente relance est restée sans effet :\n\n- le 04/11/2026 à 10h30, par téléphone\n",
            Text(ReminderLetter() with { PreviousActions = [Call] }));
    }

    [Fact]
    public void Without_earlier_actions_it_says_nothing_of_them()
    {
        var text = Text(ReminderLetter() with { PreviousActions = [] });
        Assert.DoesNotContain("précédente", text);
        Assert.StartsWith("Madame, Monsieur,\n\nÀ ce jour, les factures suivantes, émises par ACME SAS, restent impayées :\n", text);
    }

    [Fact]
    public void It_lists_the_invoices_oldest_due_first_with_their_days_late()
    {
        var text = Text(ReminderLetter());
        Assert.Contains(
            "- Facture F-1 du 01/10/2026, échéance le 31/10/2026 : 1 200,00 € (en retard de 23 jours)\n" +
            "- Facture F-2 du 15/10/2026, échéance le 14/11/2026 : 345,50 € (en retard de 9 jours)\n", text);
    }

    [Fact]
    public void It_states_the_penalties_with_their_rate_and_basis_and_the_indemnity_per_invoice_as_the_sender_computed_them()
    {
        var text = Text(ReminderLetter());
        Assert.Contains("article L441-10 du Code de commerce", text);
        Assert.Contains("- Facture F-1 : pénalités de retard de 9,19 € (23 jours au taux annuel de 12,15 %, taux BCE majoré de 10 points, 2e semestre 2026), " +
                        "indemnité forfaitaire pour frais de recouvrement de 40,00 €\n", text);
        Assert.Contains("- Facture F-2 : pénalités de retard de 1,03 € (9 jours au taux annuel de 12,15 %", text);
        Assert.True(text.IndexOf("- Facture F-1 : ", StringComparison.Ordinal) < text.IndexOf("- Facture F-2 : ", StringComparison.Ordinal), "claims in the invoices' order");

        // Other figures in the message, other figures in the letter: none is the code's own.
        var contractual = ReminderLetter() with { Claims = [OnF1 with { AnnualRatePercent = 7.875m, RateBasis = "taux contractuel (CGV art. 8)", Penalty = 5.95m, RecoveryIndemnity = 60m }] };
        Assert.Contains("- Facture F-1 : pénalités de retard de 5,95 € (23 jours au taux annuel de 7,875 %, taux contractuel (CGV art. 8)), " +
                        "indemnité forfaitaire pour frais de recouvrement de 60,00 €\n", Text(contractual));
    }

    [Fact]
    public void It_totals_principal_penalties_and_indemnities()
    {
        var text = Text(ReminderLetter());
        Assert.Contains("Principal restant dû : 1 545,50 €\n" +
                        "Pénalités de retard : 10,22 €\n" +
                        "Indemnités forfaitaires pour frais de recouvrement : 80,00 €\n" +
                        "Total à régler : 1 635,72 €\n", text);
    }

    [Fact]
    public void Amounts_in_several_currencies_are_totalled_per_currency()
    {
        var usd = F2 with { Currency = "USD" };
        var text = Text(ReminderLetter() with { Invoices = [F1, usd], Claims = [OnF1, OnF2 with { Currency = "USD" }] });
        Assert.Contains("Principal restant dû : 1 200,00 € + 345,50 USD\n", text);
        Assert.Contains("Pénalités de retard : 9,19 € + 1,03 USD\n", text);
        Assert.Contains("Total à régler : 1 289,19 € + 346,53 USD\n", text);
    }

    [Fact]
    public void Without_claims_it_asks_for_the_amount_outstanding_only()
    {
        var text = Text(ReminderLetter() with { Claims = [] });
        Assert.DoesNotContain("L441-10", text);
        Assert.DoesNotContain("Pénalités", text);
        Assert.Contains("Montant restant à régler : 1 545,50 €\n", text);
        Assert.Contains("la somme de 1 545,50 € au plus tard le 08/12/2026", text);
    }

    [Fact]
    public void It_asks_for_payment_by_the_deadline_and_announces_the_litigation_department()
    {
        var text = Text(ReminderLetter());
        Assert.Contains("Nous vous demandons de bien vouloir nous régler la somme de 1 635,72 € au plus tard le 08/12/2026, soit sous 15 jours.", text);
        Assert.Contains("À défaut de règlement dans ce délai, nous serons contraints de transmettre ce dossier à notre service contentieux", text);
        Assert.DoesNotContain("mandataire", text);
        Assert.DoesNotContain("mise en demeure", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Without_a_deadline_it_asks_for_payment_on_receipt()
    {
        var text = Text(ReminderLetter() with { PaymentDeadlineDays = null });
        Assert.Contains("la somme de 1 635,72 € dès réception de la présente.", text);
        Assert.Contains("À défaut de règlement, nous serons contraints", text);
        Assert.Contains("1 jour.", Text(ReminderLetter() with { PaymentDeadlineDays = 1 }));
    }

    [Fact]
    public void The_warning_letter_announces_a_collection_agency()
    {
        var email = Email(WarningLetter(Channels.Email));
        Assert.Equal("warning-letter/fr/v2", email.Template);
        Assert.Equal("Avertissement avant recouvrement – factures impayées – ACME SAS – F-1, F-2", email.Subject);
        var text = Normalised(email.Text);
        Assert.Contains("À défaut de règlement dans ce délai, nous confierons sans autre avis le recouvrement de ces sommes à un mandataire de recouvrement.", text);
        Assert.Contains("une indemnisation complémentaire pourra vous être demandée sur justification", text);
        Assert.DoesNotContain("indemnisation complémentaire", Normalised(Email(WarningLetter(Channels.Email) with { Claims = [] }).Text));
    }

    [Fact]
    public void The_formal_notice_says_mise_en_demeure_and_the_deadline_and_the_consequences()
    {
        var email = Email(FormalNotice(Channels.Email));
        Assert.Equal("formal-notice/fr/v2", email.Template);
        Assert.Equal("Mise en demeure de payer – factures impayées – ACME SAS – F-1, F-2", email.Subject);
        var text = Normalised(email.Text);
        Assert.Contains("Par la présente, nous vous mettons en demeure de nous régler la somme de 1 635,72 € au plus tard le 01/12/2026, " +
                        "soit dans un délai de 8 jours à compter de la date de la présente.", text);
        Assert.Contains("À défaut de paiement intégral dans ce délai, nous engagerons sans autre avis une procédure judiciaire, notamment par voie d'injonction de payer", text);
        Assert.Contains("La présente vaut mise en demeure au sens de l'article 1344 du Code civil.", text);
        Assert.Contains("- Facture F-1 : pénalités de retard de 9,19 €", text);
    }

    [Fact]
    public void Firm_and_formal_emails_close_formally_and_are_signed_by_the_department_and_the_creditor()
    {
        foreach (var request in new[] { ReminderLetter(), WarningLetter(Channels.Email), FormalNotice(Channels.Email) })
            Assert.EndsWith("Si votre règlement a été effectué entre-temps, nous vous remercions de ne pas tenir compte de la présente.\n" +
                            "Pour toute question sur ces factures, il vous suffit de répondre à ce courriel.\n\n" +
                            "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.\nService recouvrement\nACME SAS\n" +
                            "1 place de l'Exemple\n69002 Lyon\n", Text(request));
    }

    [Fact]
    public void The_html_part_says_the_same_in_tables_and_escapes_what_the_sender_wrote()
    {
        var html = Email(ReminderLetter() with { Claims = [OnF1 with { RateBasis = "<contrat> & CGV" }] }).Html;
        Assert.Contains("<ul><li>le 21/10/2026 &#224; 09h00, par courriel</li><li>le 04/11/2026 &#224; 10h30, par t&#233;l&#233;phone</li></ul>", html);
        Assert.Contains("<th>Taux annuel</th><th>Base du taux</th>", html);
        Assert.Contains("<td>F-1</td><td>23</td><td>12,15 %</td><td>&lt;contrat&gt; &amp; CGV</td><td>9,19 €</td><td>40,00 €</td>", Normalised(html));
        Assert.Contains("<p><strong>Principal restant d&#251; : 1 545,50 €<br>", Normalised(html));
        Assert.DoesNotContain("<contrat>", html);
    }
}
