using Relance.CorrespondenceService.Correspondences;

namespace Relance.CorrespondenceService.Writing;

/// <summary>
/// The firm and formal templates, one structure with the words of each step: the reminder letter
/// ("reminder-letter/fr/v1", announces the litigation department), the warning letter ("warning-letter/fr/v1",
/// announces a collection agency) and the formal notice ("formal-notice/fr/v1", puts the debtor on notice and
/// announces court proceedings). Each recalls the earlier actions with their dates and times, lists the
/// invoices, the penalties and indemnities claimed (as the sender computed them: no legal figure here) with
/// the totals, and the date to pay by.
/// </summary>
public static class PaymentDemand
{
    public static Document Compose(TemplateKind kind, CorrespondenceRequested request, Letterhead from, Medium medium)
    {
        var invoices = Sections.Ordered(request.Invoices);
        var one = invoices.Count == 1;
        var unpaid = one ? "facture impayée" : "factures impayées";
        var title = kind switch
        {
            TemplateKind.ReminderLetter => $"Relance pour {unpaid}",
            TemplateKind.WarningLetter => $"Avertissement avant recouvrement – {unpaid}",
            TemplateKind.FormalNotice => $"Mise en demeure de payer – {unpaid}",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a payment demand"),
        };
        // In the invoices' order; a claim on an invoice not listed comes last rather than not at all.
        var claims = request.Claims
            .OrderBy(c => invoices.FindIndex(i => i.InvoiceNumber == c.InvoiceNumber) switch { -1 => int.MaxValue, var at => at })
            .ThenBy(c => c.InvoiceNumber, StringComparer.Ordinal).ToList();
        var principal = invoices.Select(i => (i.Outstanding, i.Currency)).ToList();
        var penalties = claims.Select(c => (c.Penalty, c.Currency)).ToList();
        var indemnities = claims.Select(c => (c.RecoveryIndemnity, c.IndemnityCurrency)).ToList();
        var total = French.Total([.. principal, .. penalties, .. indemnities]);
        DateOnly? deadline = request.PaymentDeadlineDays is { } days ? request.AsOf.AddDays(days) : null;

        var body = new List<Block> { new Paragraph("Madame, Monsieur,") };
        if (request.PreviousActions.Count > 0)
        {
            body.Add(new Paragraph(request.PreviousActions.Count == 1 ? "Notre précédente relance est restée sans effet :" : "Nos précédentes relances sont restées sans effet :"));
            body.Add(new Bullets([.. request.PreviousActions.OrderBy(a => a.TakenAt).Select(a => $"{French.DateAndTime(a.TakenAt)}, {French.ByChannel(a.Channel)}")]));
        }
        body.Add(new Paragraph(one
            ? $"À ce jour, la facture suivante, émise par {from.Creditor}, reste impayée :"
            : $"À ce jour, les factures suivantes, émises par {from.Creditor}, restent impayées :"));
        body.Add(Sections.Invoices(invoices, request.AsOf));
        if (claims.Count > 0)
        {
            body.Add(new Paragraph(
                "Conformément à l'article L441-10 du Code de commerce, tout retard de paiement rend exigibles de plein droit, " +
                "sans qu'un rappel soit nécessaire, des pénalités de retard dues dès le lendemain de la date d'échéance, ainsi " +
                "qu'une indemnité forfaitaire pour frais de recouvrement par facture payée en retard. À ce jour, elles s'élèvent à :"));
            body.Add(Claims(claims));
        }
        IReadOnlyList<string> totals = claims.Count == 0
            ? [$"Montant restant à régler : {total}"]
            :
            [
                $"Principal restant dû : {French.Total(principal)}",
                $"Pénalités de retard : {French.Total(penalties)}",
                $"Indemnités forfaitaires pour frais de recouvrement : {French.Total(indemnities)}",
                $"Total à régler : {total}",
            ];
        body.Add(new Paragraph(totals, Strong: true));
        body.Add(new Paragraph(Demand(kind, total, request.PaymentDeadlineDays, deadline)));
        body.Add(new Paragraph(Consequences(kind, deadline is not null, claims.Any(c => c.RecoveryIndemnity > 0))));
        body.Add(new Paragraph([
            "Si votre règlement a été effectué entre-temps, nous vous remercions de ne pas tenir compte de la présente.",
            Sections.Questions(medium, from)]));

        return new Document(Templates.Name(kind), $"{title} – {from.Creditor} – {Sections.Numbers(invoices)}", body,
            "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.");
    }

    static Table Claims(IEnumerable<Claim> claims) => new(
        ["Facture", "Jours de retard", "Taux annuel", "Base du taux", "Pénalités de retard", "Indemnité forfaitaire"],
        [.. claims.Select(c => new TableRow(
            $"Facture {c.InvoiceNumber} : pénalités de retard de {French.Money(c.Penalty, c.Currency)} " +
            $"({French.Days(c.DaysLate)} au taux annuel de {French.Percent(c.AnnualRatePercent)}, {c.RateBasis}), " +
            $"indemnité forfaitaire pour frais de recouvrement de {French.Money(c.RecoveryIndemnity, c.IndemnityCurrency)}",
            [c.InvoiceNumber, c.DaysLate.ToString(French.Culture), French.Percent(c.AnnualRatePercent), c.RateBasis,
             French.Money(c.Penalty, c.Currency), French.Money(c.RecoveryIndemnity, c.IndemnityCurrency)]))]);

    static string Demand(TemplateKind kind, string total, int? days, DateOnly? deadline)
    {
        var by = deadline is { } date ? $"au plus tard le {French.Date(date)}" : "dès réception de la présente";
        return kind == TemplateKind.FormalNotice
            ? $"Par la présente, nous vous mettons en demeure de nous régler la somme de {total} {by}" +
              (days is { } d ? $", soit dans un délai de {French.Days(d)} à compter de la date de la présente." : ".")
            : $"Nous vous demandons de bien vouloir nous régler la somme de {total} {by}" + (days is { } n ? $", soit sous {French.Days(n)}." : ".");
    }

    static string Consequences(TemplateKind kind, bool hasDeadline, bool claimsIndemnity)
    {
        var failing = hasDeadline ? "À défaut de règlement dans ce délai" : "À défaut de règlement";
        return kind switch
        {
            TemplateKind.ReminderLetter =>
                $"{failing}, nous serons contraints de transmettre ce dossier à notre service contentieux, qui prendra les mesures nécessaires au recouvrement de ces sommes.",
            TemplateKind.WarningLetter =>
                $"{failing}, nous confierons sans autre avis le recouvrement de ces sommes à un mandataire de recouvrement." +
                (claimsIndemnity ? " Si les frais de recouvrement exposés dépassent le montant de l'indemnité forfaitaire, une indemnisation complémentaire pourra vous être demandée sur justification." : ""),
            _ =>
                $"{(hasDeadline ? "À défaut de paiement intégral dans ce délai" : "À défaut de paiement intégral")}, nous engagerons sans autre avis une procédure judiciaire, " +
                "notamment par voie d'injonction de payer, afin d'obtenir le recouvrement de ces sommes, augmentées des pénalités de retard " +
                "courant jusqu'au complet paiement et des frais de la procédure. La présente vaut mise en demeure au sens de l'article 1344 du Code civil.",
        };
    }
}
