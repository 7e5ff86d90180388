using Relance.CorrespondenceService.Correspondences;

namespace Relance.CorrespondenceService.Writing;

/// <summary>
/// The invoice resend ("invoice-resend/fr/v1"): the customer told us it never received the invoices, so they
/// are not chased but their references are given again (number, issue date, due date, amount still owed incl.
/// VAT), with an offer to send the document again on request and the payment asked within the days granted
/// from the date of this message (at its own due date for an invoice not due by then). Courteous: whatever the
/// request carries, it recalls no earlier reminder, no days late, no penalty and no further step. The invoice
/// itself is not attached (a request carries none), so nothing says it is.
/// </summary>
public static class InvoiceResend
{
    public static Document Compose(CorrespondenceRequested request, Letterhead from, Medium medium)
    {
        var invoices = Sections.Ordered(request.Invoices);
        var one = invoices.Count == 1;
        var creditor = from.Creditor;
        var numbers = And(invoices.Select(i => i.InvoiceNumber));
        var subject = one
            ? $"Nouvel envoi des références de votre facture n° {numbers} – {creditor}"
            : $"Nouvel envoi des références de vos factures nos {numbers} – {creditor}";

        var body = new List<Block>
        {
            new Paragraph("Madame, Monsieur,"),
            new Paragraph(one
                ? $"À la suite de notre récent échange, vous nous avez indiqué ne pas avoir reçu la facture suivante, émise par {creditor}. " +
                  "Nous vous en communiquons à nouveau les références :"
                : $"À la suite de notre récent échange, vous nous avez indiqué ne pas avoir reçu les factures suivantes, émises par {creditor}. " +
                  "Nous vous en communiquons à nouveau les références :"),
            References(invoices),
        };
        if (!one)
            body.Add(new Paragraph($"Montant total restant dû : {French.Total(invoices.Select(i => (i.Outstanding, i.Currency)))} TTC", strong: true));
        body.Add(new Paragraph(Payment(invoices, request, medium)));
        body.Add(new Paragraph([
            (one ? "Si vous souhaitez recevoir un nouvel exemplaire de cette facture ou si vous avez la moindre question à son sujet, "
                 : "Si vous souhaitez recevoir un nouvel exemplaire de ces factures ou si vous avez la moindre question à leur sujet, ") +
            (medium == Medium.Email ? "il vous suffit de répondre à ce courriel." : $"vous pouvez nous écrire à {from.Email}."),
            $"Si vous avez déjà réglé {(one ? "cette facture" : "ces factures")}, nous vous prions de ne pas tenir compte " +
            $"{(medium == Medium.Email ? "de ce courriel" : "de la présente lettre")}.",
        ]));
        body.Add(new Paragraph("Nous vous remercions par avance de votre règlement et restons à votre disposition."));

        return new Document(Templates.Name(TemplateKind.InvoiceResend), subject, body, medium == Medium.Email
            ? "Cordialement,"
            : "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.");
    }

    // No days late: the customer says it never had the invoice.
    static Table References(IEnumerable<ChasedInvoice> invoices) => new(
        ["Facture n°", "Date d'émission", "Échéance", "Montant restant dû TTC"],
        [.. invoices.Select(i => new TableRow(
            $"Facture n° {i.InvoiceNumber} du {French.Date(i.IssueDate)}, échéance le {French.Date(i.DueDate)} – " +
            $"montant restant dû : {French.Money(i.Outstanding, i.Currency)} TTC",
            [i.InvoiceNumber, French.Date(i.IssueDate), French.Date(i.DueDate), $"{French.Money(i.Outstanding, i.Currency)} TTC"]))]);

    // Within the days granted from the date of this message; an invoice due later is paid at its own due date.
    static string Payment(List<ChasedInvoice> invoices, CorrespondenceRequested request, Medium medium)
    {
        DateOnly? deadline = request.PaymentDeadlineDays is { } days ? request.AsOf.AddDays(days) : null;
        var now = invoices.Where(i => i.DueDate <= (deadline ?? request.AsOf)).ToList();
        var later = invoices.Except(now).ToList();
        var within = request.PaymentDeadlineDays is { } n
            ? $"dans un délai de {French.Days(n)} à compter de la date {(medium == Medium.Email ? "de ce courriel" : "de la présente lettre")}, " +
              $"soit au plus tard le {French.Date(deadline!.Value)}"
            : "dans les meilleurs délais";
        var atDueDate = later.Count == 1 ? $"à son échéance, le {French.Date(later[0].DueDate)}" : "à leurs échéances respectives";
        const string please = "Nous vous saurions gré de bien vouloir";

        if (later.Count == 0)
            return $"{please} procéder au règlement de {(invoices.Count == 1 ? "cette facture" : "ces factures")} {within}.";
        if (now.Count == 0)
            return $"{please} procéder au règlement de {(invoices.Count == 1 ? "cette facture" : "ces factures")} {atDueDate}.";
        return $"{please} régler {Named(now)} {within}, et {Named(later)} {atDueDate}.";
    }

    static string Named(List<ChasedInvoice> invoices) =>
        (invoices.Count == 1 ? "la facture n° " : "les factures nos ") + And(invoices.Select(i => i.InvoiceNumber));

    /// <summary>"F-1", "F-1 et F-2", "F-1, F-2 et F-3".</summary>
    static string And(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : $"{string.Join(", ", list[..^1])} et {list[^1]}";
    }
}
