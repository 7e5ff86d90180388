using System.Globalization;
using System.Net;
using System.Text;
using Relance.CorrespondenceService.Correspondences;

namespace Relance.CorrespondenceService.Email;

public sealed record RenderedEmail(string Template, string Subject, string Text, string Html);

/// <summary>
/// The first reminder, in French, courteous: a reminder of the coming due date when nothing is late yet,
/// otherwise a polite request listing every unpaid invoice with its days late. Pure: same request, same text.
/// </summary>
public static class ReminderEmail
{
    public const string Template = "first-reminder/fr/v1";
    static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    /// <param name="creditor">The company the invoices are owed to, as the debtor knows it.</param>
    public static RenderedEmail Render(CorrespondenceRequested request, string creditor, string senderName)
    {
        var invoices = request.Invoices.OrderBy(i => i.DueDate).ThenBy(i => i.InvoiceNumber).ToList();
        var one = invoices.Count == 1;
        var overdue = invoices.Any(i => i.DueDate < request.AsOf);
        var numbers = string.Join(", ", invoices.Select(i => i.InvoiceNumber));
        var subject = overdue
            ? $"Relance : {(one ? "facture" : "factures")} {creditor} en attente de règlement ({numbers})"
            : one
                ? $"Rappel : facture {creditor} {numbers} à échéance le {Date(invoices[0].DueDate)}"
                : $"Rappel : factures {creditor} {numbers} arrivant à échéance";
        var intro = overdue
            ? $"Sauf erreur de notre part, {(one ? "la facture suivante" : "les factures suivantes")} de {creditor} {(one ? "reste" : "restent")} à régler à ce jour :"
            : $"Nous nous permettons de vous rappeler l'échéance prochaine de {(one ? "la facture suivante" : "des factures suivantes")} de {creditor} :";
        var closing = overdue
            ? $"Nous vous remercions de bien vouloir procéder à {(one ? "son" : "leur")} règlement dans les meilleurs délais. Si votre paiement est déjà parti, merci de ne pas tenir compte de ce message."
            : "Nous vous remercions par avance de votre règlement à l'échéance.";
        const string questions = "Pour toute question sur ces factures, il vous suffit de répondre à ce courriel.";
        var totals = invoices.GroupBy(i => i.Currency).Select(g => Money(g.Sum(i => i.Outstanding), g.Key));
        var total = $"Montant restant à régler : {string.Join(" + ", totals)}";

        var text = new StringBuilder()
            .AppendLine("Madame, Monsieur,").AppendLine()
            .AppendLine(intro).AppendLine();
        foreach (var invoice in invoices) text.AppendLine($"- {Line(invoice, request.AsOf)}");
        text.AppendLine().AppendLine(total).AppendLine()
            .AppendLine(closing).AppendLine(questions).AppendLine()
            .AppendLine("Cordialement,").AppendLine(senderName).AppendLine(creditor);

        var html = new StringBuilder()
            .Append($"<p>Madame, Monsieur,</p><p>{H(intro)}</p>")
            .Append("<table border=\"1\" cellpadding=\"6\" cellspacing=\"0\"><tr><th>Facture</th><th>Date</th><th>Échéance</th><th>Reste dû</th><th>Retard</th></tr>");
        foreach (var invoice in invoices)
            html.Append($"<tr><td>{H(invoice.InvoiceNumber)}</td><td>{Date(invoice.IssueDate)}</td><td>{Date(invoice.DueDate)}</td>" +
                        $"<td>{H(Money(invoice.Outstanding, invoice.Currency))}</td><td>{H(Lateness(invoice, request.AsOf))}</td></tr>");
        html.Append($"</table><p><strong>{H(total)}</strong></p>")
            .Append($"<p>{H(closing)}<br>{H(questions)}</p><p>Cordialement,<br>{H(senderName)}<br>{H(creditor)}</p>");

        return new RenderedEmail(Template, subject, text.ToString(), html.ToString());
    }

    static string Line(ChasedInvoice invoice, DateOnly asOf) =>
        $"Facture {invoice.InvoiceNumber} du {Date(invoice.IssueDate)}, échéance le {Date(invoice.DueDate)} : " +
        $"{Money(invoice.Outstanding, invoice.Currency)}" + (invoice.DueDate < asOf ? $" ({Lateness(invoice, asOf)})" : "");

    static string Lateness(ChasedInvoice invoice, DateOnly asOf)
    {
        var days = asOf.DayNumber - invoice.DueDate.DayNumber;
        return days <= 0 ? "non échue" : $"en retard de {days} {Plural(days, "jour", "jours")}";
    }

    static string Date(DateOnly date) => date.ToString("dd/MM/yyyy", French);

    static string Money(decimal amount, string currency) =>
        string.Format(French, "{0:N2} {1}", amount, currency == "EUR" ? "€" : currency);

    static string Plural(int count, string one, string many) => count == 1 ? one : many;

    static string H(string text) => WebUtility.HtmlEncode(text);
}
