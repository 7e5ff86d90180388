using Relance.CorrespondenceService.Correspondences;

namespace Relance.CorrespondenceService.Writing;

/// <summary>
/// The courteous reminder ("first-reminder/fr/v1"): a reminder of the coming due date when nothing is late
/// yet, otherwise a polite request listing every unpaid invoice with its days late.
/// </summary>
public static class CourteousReminder
{
    public static Document Compose(CorrespondenceRequested request, Letterhead from, Medium medium)
    {
        var invoices = Sections.Ordered(request.Invoices);
        var creditor = from.Creditor;
        var one = invoices.Count == 1;
        var overdue = invoices.Any(i => i.DueDate < request.AsOf);
        var numbers = Sections.Numbers(invoices);
        var subject = overdue
            ? $"Relance : {(one ? "facture" : "factures")} {creditor} en attente de règlement ({numbers})"
            : one
                ? $"Rappel : facture {creditor} {numbers} à échéance le {French.Date(invoices[0].DueDate)}"
                : $"Rappel : factures {creditor} {numbers} arrivant à échéance";
        var intro = overdue
            ? $"Sauf erreur de notre part, {(one ? "la facture suivante" : "les factures suivantes")} de {creditor} {(one ? "reste" : "restent")} à régler à ce jour :"
            : $"Nous nous permettons de vous rappeler l'échéance prochaine de {(one ? "la facture suivante" : "des factures suivantes")} de {creditor} :";
        var closing = overdue
            ? $"Nous vous remercions de bien vouloir procéder à {(one ? "son" : "leur")} règlement dans les meilleurs délais. Si votre paiement est déjà parti, merci de ne pas tenir compte de ce message."
            : "Nous vous remercions par avance de votre règlement à l'échéance.";
        var total = $"Montant restant à régler : {French.Total(invoices.Select(i => (i.Outstanding, i.Currency)))}";

        return new Document(Templates.Name(TemplateKind.CourteousReminder), subject,
        [
            new Paragraph("Madame, Monsieur,"),
            new Paragraph(intro),
            Sections.Invoices(invoices, request.AsOf),
            new Paragraph(total, strong: true),
            new Paragraph([closing, Sections.Questions(medium, from)]),
        ], "Cordialement,");
    }
}
