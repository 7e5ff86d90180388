using System.Collections.Immutable;
using System.Text;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.Letters;
using Relance.Tests.Shared;
using static Relance.Correspondence.Tests.Examples;

namespace Relance.Correspondence.Tests;

/// <summary>Letters as print-ready PDFs, read back with PdfPig: every mandatory mention, page numbers, same bytes twice.</summary>
[Trait("Category", "Unit")]
public class PdfLetterTests
{
    static byte[] Pdf(CorrespondenceRequested request) => CorrespondenceService.Letters.ReminderLetter.Render(request, Acme).Pdf;

    [Fact]
    public void A_letter_is_a_pdf_and_the_same_letter_rendered_twice_has_the_same_bytes()
    {
        var first = Pdf(FormalNotice());
        var second = Pdf(FormalNotice());
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(first, 0, 5));
        Assert.Equal(MimeMessages.Sha256(first), MimeMessages.Sha256(second));
        Assert.Equal(first, second);
        // Another letter, other bytes.
        Assert.NotEqual(MimeMessages.Sha256(first), MimeMessages.Sha256(Pdf(FormalNotice() with { PaymentDeadlineDays = 10 })));
    }

    [Fact]
    public void A_formal_notice_carries_every_mandatory_mention()
    {
        var pdf = Pdf(FormalNotice());
        var lines = PdfText.Lines(pdf);
        var text = PdfText.Flat(pdf);

        // The sender's letterhead, then the recipient's address as the envelope's window shows it.
        Assert.StartsWith("ACME SAS\nService recouvrement\n1 place de l'Exemple\n69002 Lyon\nrecouvrement@acme.example\n", lines);
        Assert.Contains("Dupont <SARL>\nÀ l'attention de Mme Martin\nBâtiment B\n12 rue de la Paix\n75002 Paris\n", lines);
        Assert.Contains("Lyon, le 23 novembre 2026\n", lines);
        Assert.Contains("Lettre recommandée avec accusé de réception\n", lines);
        Assert.Contains("Objet : Mise en demeure de payer – factures impayées – ACME SAS – F-1, F-2", text);
        Assert.Contains("Référence client : C1", text);
        Assert.Contains("mise en demeure", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("nous vous mettons en demeure de nous régler la somme de 1 635,72 € au plus tard le 01/12/2026, soit dans un délai de 8 jours", text);

        // Each invoice with its number and amount, in the table.
        Assert.Contains("Facture Date Échéance Reste dû Retard\n", lines);
        Assert.Contains("F-1 01/10/2026 31/10/2026 1 200,00 € en retard de 23 jours\n", lines);
        Assert.Contains("F-2 15/10/2026 14/11/2026 345,50 € en retard de 9 jours\n", lines);
        Assert.Contains("Facture F-1 : pénalités de retard de 9,19 € (23 jours au taux annuel de 12,15 %, taux BCE majoré de 10 points, 2e semestre 2026), " +
                        "indemnité forfaitaire pour frais de recouvrement de 40,00 €", text);
        Assert.Contains("Total à régler : 1 635,72 €", text);

        // The consequences of not paying, the earlier reminders, the signature.
        Assert.Contains("nous engagerons sans autre avis une procédure judiciaire", text);
        Assert.Contains("La présente vaut mise en demeure au sens de l'article 1344 du Code civil.", text);
        Assert.Contains("• le 21/10/2026 à 09h00, par courriel\n• le 04/11/2026 à 10h30, par téléphone\n", lines);
        Assert.Contains("Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.\n", lines);
        Assert.EndsWith("Pour ACME SAS,\nService recouvrement\nSignature :\n", string.Concat(PdfText.Pages(pdf)[^1].SkipLast(1).Select(l => l + "\n")));
        var pages = PdfText.Pages(pdf);
        Assert.Equal(2, pages.Count);
        Assert.Equal(["page 1/2", "page 2/2"], pages.Select(p => p[^1]));

    }

    [Fact]
    public void The_recipients_address_sits_where_a_dl_window_envelope_shows_it()
    {
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(Pdf(FormalNotice()));
        var page = pdf.GetPage(1);
        static double Mm(double points) => points * 25.4 / 72;
        Assert.Equal((210, 297), ((int)Math.Round(Mm(page.Width)), (int)Math.Round(Mm(page.Height))));
        var words = page.GetWords().ToList();
        var name = words.First(w => w.Text == "Dupont");
        var city = words.First(w => w.Text == "75002");
        // Window on the right, about 100 mm from the left edge, its top 45 to 50 mm from the top of the page.
        Assert.InRange(Mm(name.BoundingBox.Left), 105, 115);
        Assert.InRange(Mm(page.Height - name.BoundingBox.Top), 45, 60);
        Assert.InRange(Mm(page.Height - city.BoundingBox.Bottom), 60, 90);
        Assert.InRange(Mm(city.BoundingBox.Left), 105, 115);
        // The letterhead top left, above the window.
        var creditor = words.First(w => w.Text == "ACME");
        Assert.InRange(Mm(creditor.BoundingBox.Left), 15, 30);
        Assert.InRange(Mm(page.Height - creditor.BoundingBox.Top), 10, 30);
    }

    [Fact]
    public void A_reminder_letter_recalls_the_earlier_reminders_and_claims_the_penalties_and_the_40_euro_indemnity()
    {
        var pdf = Pdf(ReminderLetter(Channels.Letter) with { Invoices = [F1], Claims = [OnF1] });
        var lines = PdfText.Lines(pdf);
        var text = PdfText.Flat(pdf);

        Assert.Contains("Objet : Relance pour facture impayée – ACME SAS – F-1", text);
        Assert.DoesNotContain("recommandée", text);
        Assert.Contains("Nos précédentes relances sont restées sans effet : • le 21/10/2026 à 09h00, par courriel • le 04/11/2026 à 10h30, par téléphone", text);
        Assert.Contains("F-1 01/10/2026 31/10/2026 1 200,00 € en retard de 23 jours\n", lines);
        Assert.Contains("pénalités de retard de 9,19 €", text);
        Assert.Contains("indemnité forfaitaire pour frais de recouvrement de 40,00 €", text);
        Assert.Contains("Pénalités de retard : 9,19 € Indemnités forfaitaires pour frais de recouvrement : 40,00 € Total à régler : 1 249,19 €", text);
        Assert.Contains("au plus tard le 08/12/2026, soit sous 15 jours.", text);
        Assert.Contains("notre service contentieux", text);
        Assert.Contains("Signature :", text);
    }

    [Fact]
    public void A_reminder_letter_claiming_nothing_mentions_no_indemnity()
    {
        var text = PdfText.Flat(Pdf(ReminderLetter(Channels.Letter) with { Claims = [] }));
        Assert.DoesNotContain("indemnité", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Montant restant à régler : 1 545,50 €", text);
    }

    [Fact]
    public void A_long_invoice_list_runs_on_to_numbered_pages_with_the_table_header_repeated()
    {
        var invoices = Enumerable.Range(1, 90).Select(n => F1 with { InvoiceNumber = $"F-{n:000}", Outstanding = 100m + n }).ToImmutableList();
        var pdf = Pdf(FormalNotice() with { Invoices = invoices, Claims = [] });
        var pages = PdfText.Pages(pdf);

        Assert.True(pages.Count >= 3, $"{pages.Count} pages");
        for (var n = 0; n < pages.Count; n++)
            Assert.Equal($"page {n + 1}/{pages.Count}", pages[n][^1]);
        Assert.All(pages.Take(pages.Count - 1).Skip(1), page => Assert.Contains("Facture Date Échéance Reste dû Retard", page));
        var lines = PdfText.Lines(pdf);
        Assert.All(invoices, i => Assert.Contains($"{i.InvoiceNumber} 01/10/2026 31/10/2026 {Normalised(French(i.Outstanding))} en retard de 23 jours\n", lines));
        Assert.Contains("Pour ACME SAS,", pages[^1]);
        Assert.Contains("Signature :", pages[^1]);
        Assert.Equal(pdf, Pdf(FormalNotice() with { Invoices = invoices, Claims = [] }));
    }

    [Fact]
    public void Missing_fonts_fail_loudly_naming_the_debian_package()
    {
        DejaVuFonts.EnsureInstalled();
        var missing = Assert.Throws<InvalidOperationException>(() => DejaVuFonts.EnsureInstalled("/nonexistent/fonts"));
        Assert.Contains("/nonexistent/fonts/DejaVuSans.ttf", missing.Message);
        Assert.Contains("apt-get install fonts-dejavu-core", missing.Message);
    }

    static string French(decimal amount) => CorrespondenceService.Writing.French.Money(amount, "EUR");

    [Fact]
    public void A_letter_is_archived_as_its_pdf_with_the_hash_of_those_bytes()
    {
        var sender = new SenderIdentity
        {
            Name = "Service recouvrement", Email = "recouvrement@acme.example",
            Companies = new() { ["ACME"] = "ACME SAS" }, Addresses = new() { ["ACME"] = ["1 place de l'Exemple", "69002 Lyon"] },
        };
        var rendered = CorrespondenceService.Correspondences.SendingReminder.CorrespondenceRendering.Render(WarningLetter(), sender, DateTimeOffset.UnixEpoch);
        Assert.Equal(("application/pdf", (string?)null, (string?)null), (rendered.MediaType(), rendered.Letter, rendered.Mime));
        Assert.Equal(rendered.Pdf, rendered.Bytes());
        Assert.Equal(MimeMessages.Sha256(rendered.Bytes()), rendered.ContentSha256);
        Assert.Equal(Pdf(WarningLetter()), rendered.Pdf);
        Assert.Contains("Objet : Avertissement avant recouvrement – factures impayées", PdfText.Flat(rendered.Bytes()));
    }
}
