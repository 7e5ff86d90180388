using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Relance.CorrespondenceService.Letters;
using Relance.CorrespondenceService.Writing;

namespace Relance.Cli.Dossier;

/// <summary>
/// The lawyer's summary of a litigation file: an A4 PDF in French (the language of the injonction de payer), laid
/// out as the letters are (<see cref="PdfFlow"/>, DejaVu Sans), every page numbered. It states the creditor and the
/// debtor, the invoices and what is owed on each, the penalties and indemnities computed to the file's date, the
/// chronology of the chase with dates and times (Paris), the proofs of sending and receipt, the promises and
/// disputes, the formal notice and its deadline, and the SHA-256 of every other file of the archive. Pure: the same
/// file gives the same bytes.
/// </summary>
public static class SummaryPdf
{
    static readonly PdfFrame Frame = new(PdfFrame.Mm(20), PdfFrame.Mm(190), PdfFrame.Mm(18), PdfFrame.Mm(297 - 22), 13, 5);
    static readonly Formats Fr = Formats.Of(Formats.French);

    public static byte[] Render(CaseFile file, DateTimeOffset builtAt)
    {
        DejaVuFonts.Register();
        var regular = new XFont(DejaVuFonts.Family, 9.5, XFontStyleEx.Regular);
        var bold = new XFont(DejaVuFonts.Family, 9.5, XFontStyleEx.Bold);
        var heading = new XFont(DejaVuFonts.Family, 12, XFontStyleEx.Bold);
        var title = new XFont(DejaVuFonts.Family, 15, XFontStyleEx.Bold);
        var small = new XFont(DejaVuFonts.Family, 8, XFontStyleEx.Regular);

        using var measure = XGraphics.CreateMeasureContext(new XSize(PdfFrame.PageWidth, PdfFrame.PageHeight), XGraphicsUnit.Point, XPageDirection.Downwards);
        var flow = new PdfFlow(measure, Frame) { Y = Frame.Top };
        void Heading(string text) { flow.Need(4 * Frame.Leading); flow.Y += 4; flow.Paragraph([text], heading); }
        string Money(decimal amount) => French.Money(amount, file.Currency);

        flow.Paragraph(["Dossier de recouvrement : requête en injonction de payer"], title);
        flow.Paragraph([
            $"Dossier {file.CaseId}, montants calculés au {French.Date(file.At)}.",
            $"Établi le {When(builtAt)} (heure de Paris) à partir des événements des services Invoice, Reminder et Correspondence de Relance.",
        ], regular);

        Heading("1. Créancier");
        flow.Paragraph([file.Creditor.Name, .. file.Creditor.Address], bold);
        flow.Paragraph([$"Société {file.Creditor.CompanyId} ; source : {file.Creditor.Source}."], small);

        Heading("2. Débiteur");
        flow.Paragraph([file.Debtor.LegalName, .. file.Debtor.Address], bold);
        flow.Paragraph([
            $"SIREN : {file.Debtor.Siren ?? "non communiqué"} ; client {file.Debtor.CustomerId}"
            + (file.Debtor.DescribedAt is { } described ? $", tel que l'ERP l'a décrit en dernier le {When(described)}." : ", tel que le dossier de relance le connaît."),
        ], regular);

        Heading("3. Factures");
        flow.Table(new Table(["Facture", "Émise le", "Échéance", "Montant TTC", "Réglé", "Reste dû", "État"],
            [.. file.Invoices.Select(i => Row(i.Number, French.Date(i.IssueDate), French.Date(i.DueDate), French.Money(i.Amount, i.Currency),
                French.Money(i.Paid, i.Currency), French.Money(i.Outstanding, i.Currency), Status(i.Status)))]), regular, bold);

        Heading($"4. Pénalités de retard et indemnités forfaitaires au {French.Date(file.At)}");
        var late = file.Invoices.Where(i => i.Penalty.DaysLate > 0 && i.Outstanding > 0).ToList();
        if (late.Count == 0) flow.Paragraph(["Aucune facture en retard à cette date."], regular);
        else
        {
            flow.Table(new Table(["Facture", "Reste dû", "Jours de retard", "Taux annuel", "Pénalités", "Indemnité"],
                [.. late.Select(i => Row(i.Number, French.Money(i.Outstanding, i.Currency), i.Penalty.DaysLate.ToString(French.Culture),
                    French.Percent(i.Penalty.AnnualRatePercent), French.Money(i.Penalty.Amount, i.Currency), French.Money(i.Indemnity, i.IndemnityCurrency)))]), regular, bold);
            flow.Bullets(late.Select(i =>
                $"{i.Number} : {French.Money(i.Penalty.Amount, i.Currency)} de pénalités sur {French.Money(i.Outstanding, i.Currency)}, intérêts simples (montant × taux × jours / 365) "
                + $"au taux de {i.Penalty.Basis}. Indemnité forfaitaire pour frais de recouvrement de "
                + $"{French.Money(i.Indemnity, i.IndemnityCurrency)} (art. L441-10 II et D441-5 du Code de commerce)."), regular);
        }
        flow.Paragraph([
            $"Principal restant dû : {Money(file.Principal)} ; pénalités : {Money(file.Penalties)} ; indemnités : {Money(file.Indemnities)}.",
            $"Total réclamé au {French.Date(file.At)} : {Money(file.Total)}.",
        ], bold);

        Heading("5. Chronologie des relances");
        if (file.Chronology.Count == 0) flow.Paragraph(["Aucune relance."], regular);
        else flow.Bullets(file.Chronology.Select(c =>
            $"{When(c.At)} : {c.Step}{(c.Channel is { } channel ? $", {Channel(channel)}" : "")}{(c.Invoices.Count > 0 ? $" ({string.Join(", ", c.Invoices)})" : "")} : {c.What}"
            + (c.Document is null ? "." : $" ; pièce {c.Document}.")), regular);

        Heading("6. Preuves d'envoi, de distribution et de réception");
        if (file.Proofs.Count == 0) flow.Paragraph(["Aucun document envoyé."], regular);
        else flow.Bullets(file.Proofs.Select(Proof), regular);

        Heading("7. Promesses de paiement, échéanciers et litiges");
        if (file.PromisesAndDisputes.Count == 0) flow.Paragraph(["Aucune promesse, aucun échéancier, aucun litige enregistré."], regular);
        else flow.Bullets(file.PromisesAndDisputes.Select(f => $"{When(f.At)} : {f.Kind} : {f.Text}"), regular);

        Heading("8. Mise en demeure");
        flow.Paragraph([Notice(file.FormalNotice, file.At)], regular);

        Heading("9. Empreintes SHA-256 des pièces de l'archive");
        flow.Paragraph(["Chaque fichier de l'archive figure aussi, avec son empreinte et sa taille, dans manifest.json (vérifiable avec sha256sum)."], regular);
        flow.Bullets(file.Files.Select(f => $"{f.Name} ({f.Length.ToString("N0", French.Culture)} octets) : {f.Sha256}"), small);
        if (file.Erased.Count > 0)
        {
            flow.Paragraph(["Pièces effacées avec les données personnelles du débiteur (relance privacy erase), absentes de l'archive ; leur empreinte enregistrée à l'envoi demeure :"], regular);
            flow.Bullets(file.Erased.Select(Erased), small);
        }

        using var pdf = new PdfDocument();
        pdf.Info.Title = $"Dossier de recouvrement {file.CaseId} au {French.Date(file.At)}";
        pdf.Info.Author = file.Creditor.Name;
        pdf.Info.Subject = "relance audit dossier";
        var seed = $"relance-dossier:{file.CaseId}:{file.At:yyyy-MM-dd}:{builtAt:O}";
        DeterministicPdf.Identify(pdf, seed, builtAt.UtcDateTime);
        flow.Draw(pdf, small, (n, count) => $"Dossier {file.CaseId} au {French.Date(file.At)} : page {n}/{count}");
        return DeterministicPdf.Save(pdf, seed);
    }

    static TableRow Row(params string[] cells) => new(string.Join(" ; ", cells), cells);

    /// <summary>"14/05/2026 à 10h00", Paris time.</summary>
    public static string When(DateTimeOffset moment)
    {
        var (date, time) = Fr.DateAndTime(moment);
        return $"{date} à {time}";
    }

    public static string Channel(string channel) => channel switch
    {
        "email" => "e-mail",
        "letter" => "lettre simple",
        "registered-letter" => "lettre recommandée avec accusé de réception",
        "sms" => "SMS",
        "phone" => "téléphone",
        _ => channel,
    };

    static string Status(string status) => status switch
    {
        "Open" => "impayée",
        "Settled" => "réglée",
        "Cancelled" => "annulée",
        _ => status,
    };

    public static string Erased(ErasedDocument erased) =>
        $"{erased.Name} : effacée le {When(erased.ErasedAt)} (données personnelles), SHA-256 enregistré {erased.RecordedSha256}";

    static string Proof(DeliveryProof p)
    {
        var parts = new List<string> { $"{p.Document} ({p.Step}, {Channel(p.Channel)}) : SHA-256 {p.ContentSha256}" };
        if (p.SentAt is { } sent) parts.Add($"{(p.Channel is "letter" or "registered-letter" ? "remise au prestataire postal" : "envoyé")} le {When(sent)}");
        if (p.TrackingNumber is { } tracking) parts.Add($"n° de suivi {tracking}");
        if (p.PostedOn is { } posted) parts.Add($"posté le {French.Date(posted)}");
        if (p.DeliveredOn is { } delivered) parts.Add($"distribué le {French.Date(delivered)}");
        if (p.AcknowledgedOn is { } acknowledged) parts.Add($"accusé de réception signé le {French.Date(acknowledged)}");
        if (p.AcknowledgmentScan is { } scan) parts.Add($"scan de l'accusé de réception : {scan}");
        parts.AddRange(p.Notes);
        return string.Join(" ; ", parts) + ".";
    }

    static string Notice(FormalNotice? notice, DateOnly at)
    {
        if (notice is null) return "Aucune mise en demeure envoyée par lettre recommandée.";
        var text = $"Mise en demeure envoyée le {When(notice.SentAt)} par {Channel(notice.Channel)}";
        if (notice.TrackingNumber is { } tracking) text += $", n° de suivi {tracking}";
        if (notice.PostedOn is { } posted) text += $", postée le {French.Date(posted)}";
        if (notice.Document is { } document) text += $" (pièce {document})";
        text += notice.ReceivedOn is { } received ? $" ; reçue le {French.Date(received)} ({notice.ReceiptHow})" : $" ; {notice.ReceiptHow}";
        text += $" ; délai de paiement accordé : {notice.DeadlineDays} jours";
        text += notice.Deadline switch
        {
            { } deadline when deadline < at => $", jusqu'au {French.Date(deadline)} inclus : délai expiré sans paiement intégral au {French.Date(at)}.",
            { } deadline => $", jusqu'au {French.Date(deadline)} inclus.",
            null => ".",
        };
        return text;
    }
}
