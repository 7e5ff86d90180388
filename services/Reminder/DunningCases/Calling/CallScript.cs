using System.Globalization;

namespace Relance.ReminderService.DunningCases.Calling;

/// <summary>
/// The collector's guide for a call, in French, from the case as it stands: whom to ask for, what is owed, what to
/// obtain, how to answer the usual objections, and what to log. The aim follows the seeds: a payment date within
/// the step's deadline, confirmed in writing.
/// </summary>
public static class CallScript
{
    static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public static IReadOnlyList<string> For(DunningCase dunningCase, CallTask call, IReadOnlyList<WorkQueue.QueuedInvoice> invoices, int? deadlineDays, IReadOnlyList<WorkQueue.HistoryEntry> history, DunningPlans.PlanClock clock)
    {
        var contact = call.Recipient?.ContactName is { } name ? name : "la personne en charge des règlements fournisseurs";
        var total = invoices.Sum(i => i.Outstanding);
        var several = invoices.Count > 1;
        var lines = new List<string>
        {
            $"Demander {contact} ({dunningCase.Customer.Name}{(call.Recipient?.Phone is { } phone ? $", {phone}" : "")}).",
            "Se présenter (nom, société, service comptabilité clients) et vérifier que l'interlocuteur est bien en charge du règlement.",
            several
                ? $"Objet : {invoices.Count} factures restent impayées, pour un total de {Money(total, dunningCase.Currency)} :"
                : "Objet : une facture reste impayée :",
        };
        lines.AddRange(invoices.Select(i => $"  – facture n° {i.InvoiceNumber}, échue le {i.DueDate.ToString("d MMMM yyyy", French)}, {Money(i.Outstanding, dunningCase.Currency)}"
            + (i.DaysLate > 0 ? $", {i.DaysLate} jour{(i.DaysLate > 1 ? "s" : "")} de retard" : "")));
        lines.Add(history.FirstOrDefault(h => h.What.StartsWith("sent by", StringComparison.Ordinal)) is { } last
            ? $"Rappeler la dernière relance envoyée le {clock.DayOf(last.At).ToString("d MMMM yyyy", French)}."
            : "Aucune relance écrite n'a encore été envoyée : rester sur le ton d'un simple rappel.");
        lines.Add(deadlineDays is { } days
            ? $"Objectif : obtenir une date de règlement dans les {days} jours et le montant, puis les confirmer par courriel."
            : "Objectif : obtenir une date de règlement et le montant, puis les confirmer par courriel.");
        lines.AddRange([
            "Si la facture n'a pas été reçue : vérifier l'adresse de facturation ; consigner un litige « not-received » : la facture est renvoyée, sans relance supplémentaire.",
            "Si le montant ou la prestation est contesté : noter précisément le motif et consigner un litige (wrong-amount, quality) ; les autres factures restent suivies.",
            "Si le client affirme avoir payé : demander la date, le montant, le mode et la référence du paiement ; consigner « says-already-paid ».",
            "En cas de difficultés de trésorerie : proposer un échéancier (montants et dates) plutôt qu'une promesse intenable.",
            "Conclure en récapitulant l'engagement obtenu ; consigner l'appel (issue, notes, prochaine étape).",
        ]);
        if (call.Attempts > 0) lines.Insert(0, $"Tentative n° {call.Attempts + 1} (dernière issue : {call.LastOutcome}).");
        return lines;
    }

    static string Money(decimal amount, string currency) => $"{amount.ToString("N2", French)} {currency}";
}
