using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Email;
using static Relance.Correspondence.Tests.Examples;

namespace Relance.Correspondence.Tests;

/// <summary>The invoice resend: the references of invoices the customer says it never received, asked by email or letter.</summary>
[Trait("Category", "Unit")]
public class InvoiceResendTests
{
    // As the Reminder service asks it: level 0, courteous, no claims; whatever else the case carries is not recalled.
    static CorrespondenceRequested Resend(string channel = Channels.Email, params ChasedInvoice[] invoices) =>
        Request("invoice-resend", Tones.Courteous, channel) with
        {
            Template = "invoice-resend",
            Level = 0,
            PaymentDeadlineDays = 8,
            Invoices = invoices.Length == 0 ? [F2, F1] : [.. invoices],
            Claims = [],
        };

    static RenderedEmail Email(CorrespondenceRequested request) => ReminderEmail.Render(request, ByEmail("ACME SAS"));

    static string Text(CorrespondenceRequested request) => Normalised(Email(request).Text).ReplaceLineEndings("\n");

    static string Letter(CorrespondenceRequested request) => Normalised(CorrespondenceService.Letters.ReminderLetter.Render(request, Acme).Text);

    [Fact]
    public void One_invoice_the_subject_names_it_in_the_singular()
    {
        var email = Email(Resend(invoices: F1));
        Assert.Equal("invoice-resend/fr/v2", email.Template);
        Assert.Equal("Nouvel envoi des références de votre facture n° F-1 – ACME SAS", email.Subject);
        var text = Text(Resend(invoices: F1));
        Assert.StartsWith("Madame, Monsieur,\n\nÀ la suite de notre récent échange, vous nous avez indiqué ne pas avoir reçu la facture suivante, " +
                          "émise par ACME SAS. Nous vous en communiquons à nouveau les références :\n\n" +
                          "- Facture n° F-1 du 01/10/2026, échéance le 31/10/2026 – montant restant dû : 1 200,00 € TTC\n\n", text);
        Assert.Contains("procéder au règlement de cette facture", text);
        Assert.Contains("un nouvel exemplaire de cette facture ou si vous avez la moindre question à son sujet", text);
        Assert.DoesNotContain("factures", text);
        Assert.DoesNotContain("Montant total", text);
    }

    [Fact]
    public void Several_invoices_the_subject_and_the_text_are_plural_and_list_each_with_the_total()
    {
        var email = Email(Resend());
        Assert.Equal("Nouvel envoi des références de vos factures nos F-1 et F-2 – ACME SAS", email.Subject);
        var text = Text(Resend());
        Assert.Contains("ne pas avoir reçu les factures suivantes, émises par ACME SAS. Nous vous en communiquons à nouveau les références :\n\n" +
                        "- Facture n° F-1 du 01/10/2026, échéance le 31/10/2026 – montant restant dû : 1 200,00 € TTC\n" +
                        "- Facture n° F-2 du 15/10/2026, échéance le 14/11/2026 – montant restant dû : 345,50 € TTC\n", text);
        Assert.Contains("Montant total restant dû : 1 545,50 € TTC\n", text);
        Assert.Contains("procéder au règlement de ces factures", text);
        Assert.Contains("à leur sujet", text);
        Assert.Equal("Nouvel envoi des références de vos factures nos F-1, F-2 et F-3 – ACME SAS",
            Email(Resend(invoices: [F2, F1, F1 with { InvoiceNumber = "F-3", DueDate = new(2026, 11, 20) }])).Subject);
    }

    [Fact]
    public void The_html_part_has_the_references_table()
    {
        var html = Normalised(Email(Resend()).Html);
        Assert.Contains("<th>Facture n°</th><th>Date d'émission</th><th>Échéance</th><th>Montant restant dû TTC</th>", html);
        Assert.Contains("<tr><td>F-1</td><td>01/10/2026</td><td>31/10/2026</td><td>1 200,00 € TTC</td></tr>", html);
    }

    [Fact]
    public void Payment_is_asked_within_the_days_granted_from_the_date_of_the_message() =>
        Assert.Contains("Nous vous saurions gré de bien vouloir procéder au règlement de ces factures dans un délai de 8 jours " +
                        "à compter de la date de ce courriel, soit au plus tard le 01/12/2026.", Text(Resend()));

    [Fact]
    public void Without_days_granted_payment_is_asked_without_a_date() =>
        Assert.Contains("procéder au règlement de ces factures dans les meilleurs délais.", Text(Resend() with { PaymentDeadlineDays = null }));

    [Fact]
    public void An_invoice_due_after_the_deadline_is_to_be_paid_at_its_own_due_date()
    {
        var later = F2 with { InvoiceNumber = "F-3", DueDate = new(2026, 12, 31) };
        Assert.Contains("régler la facture n° F-1 dans un délai de 8 jours à compter de la date de ce courriel, soit au plus tard le 01/12/2026, " +
                        "et la facture n° F-3 à son échéance, le 31/12/2026.", Text(Resend(invoices: [F1, later])));
        Assert.Contains("procéder au règlement de cette facture à son échéance, le 31/12/2026.", Text(Resend(invoices: later)));
    }

    [Theory]
    [InlineData(Channels.Email)]
    [InlineData(Channels.Letter)]
    public void It_neither_chases_nor_threatens_even_when_the_case_has_history_and_claims(string channel)
    {
        // A sender that wrongly added claims and earlier actions: the resend still says nothing of them.
        var request = Resend(channel) with { Claims = [OnF1, OnF2] };
        var text = channel == Channels.Email ? Text(request) : Letter(request);
        foreach (var word in new[] { "pénalité", "indemnité", "L441-10", "contentieux", "recouvrement de", "mise en demeure", "judiciaire",
                                     "injonction", "mandataire", "retard", "relance", "Relance", "impayée", "sans effet", "précédente" })
            Assert.DoesNotContain(word, text);
        Assert.DoesNotContain("ci-joint", text);
        Assert.DoesNotContain("pièce jointe", text);
    }

    [Fact]
    public void As_a_letter_it_has_its_own_subject_asks_to_write_and_closes_formally()
    {
        var letter = Letter(Resend(Channels.Letter));
        Assert.Contains("\nObjet : Nouvel envoi des références de vos factures nos F-1 et F-2 – ACME SAS\nRéférence client : C1\n\n", letter);
        Assert.Contains("- Facture n° F-2 du 15/10/2026, échéance le 14/11/2026 – montant restant dû : 345,50 € TTC\n", letter);
        Assert.Contains("à compter de la date de la présente lettre, soit au plus tard le 01/12/2026.", letter);
        Assert.Contains("vous pouvez nous écrire à recouvrement@acme.example.", letter);
        Assert.Contains("nous vous prions de ne pas tenir compte de la présente lettre.", letter);
        Assert.DoesNotContain("courriel", letter);
        Assert.EndsWith("Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.\n\nPour ACME SAS,\nService recouvrement\n\nSignature :\n", letter);
        Assert.Equal("invoice-resend/fr/v2", CorrespondenceService.Letters.ReminderLetter.Render(Resend(Channels.Letter), Acme).Template);
    }

    [Fact]
    public void By_email_it_closes_cordially_and_invites_a_reply() =>
        Assert.EndsWith("il vous suffit de répondre à ce courriel.\nSi vous avez déjà réglé ces factures, nous vous prions de ne pas tenir compte de ce courriel.\n\n" +
                        "Nous vous remercions par avance de votre règlement et restons à votre disposition.\n\n" +
                        "Cordialement,\nService recouvrement\nACME SAS\n", Text(Resend()));

    [Fact]
    public void A_resend_at_level_0_is_a_request_the_service_carries_out()
    {
        Assert.Empty(CorrespondenceDecider.Check(Resend()));
        Assert.Empty(CorrespondenceDecider.Check(Resend(Channels.Letter)));
    }
}
