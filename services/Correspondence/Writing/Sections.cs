using Relance.CorrespondenceService.Correspondences;

namespace Relance.CorrespondenceService.Writing;

/// <summary>The parts every template shares.</summary>
static class Sections
{
    public static List<ChasedInvoice> Ordered(IEnumerable<ChasedInvoice> invoices) =>
        invoices.OrderBy(i => i.DueDate).ThenBy(i => i.InvoiceNumber, StringComparer.Ordinal).ToList();

    public static string Numbers(IEnumerable<ChasedInvoice> invoices) => string.Join(", ", invoices.Select(i => i.InvoiceNumber));

    public static Table Invoices(IEnumerable<ChasedInvoice> invoices, DateOnly asOf) => new(
        ["Facture", "Date", "Échéance", "Reste dû", "Retard"],
        [.. invoices.Select(i => new TableRow(Line(i, asOf),
            [i.InvoiceNumber, French.Date(i.IssueDate), French.Date(i.DueDate), French.Money(i.Outstanding, i.Currency), Lateness(i, asOf)]))]);

    public static string Questions(Medium medium, Letterhead from) => medium == Medium.Email
        ? "Pour toute question sur ces factures, il vous suffit de répondre à ce courriel."
        : $"Pour toute question sur ces factures, vous pouvez nous écrire à {from.Email}.";

    static string Line(ChasedInvoice invoice, DateOnly asOf) =>
        $"Facture {invoice.InvoiceNumber} du {French.Date(invoice.IssueDate)}, échéance le {French.Date(invoice.DueDate)} : " +
        $"{French.Money(invoice.Outstanding, invoice.Currency)}" + (invoice.DueDate < asOf ? $" ({Lateness(invoice, asOf)})" : "");

    static string Lateness(ChasedInvoice invoice, DateOnly asOf)
    {
        var days = asOf.DayNumber - invoice.DueDate.DayNumber;
        return days <= 0 ? "non échue" : $"en retard de {French.Days(days)}";
    }
}
