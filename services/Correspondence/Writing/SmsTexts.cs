using Relance.CorrespondenceService.Correspondences;

namespace Relance.CorrespondenceService.Writing;

/// <summary>
/// The text of a reminder by SMS: short, in French, the creditor, the invoices, the total and how to reach the
/// creditor. A plain first version; the templates' own version replaces it.
/// </summary>
public static class SmsTexts
{
    public static (string Template, string Text) Sms(CorrespondenceRequested request, Letterhead from)
    {
        var invoices = request.Invoices;
        var numbers = string.Join(", ", invoices.Select(i => i.InvoiceNumber));
        var total = French.Total(invoices.Select(i => (i.Outstanding, i.Currency)));
        var which = French.Plural(invoices.Count, $"votre facture {numbers} reste impayée", $"vos factures {numbers} restent impayées");
        return ("sms-reminder/fr/v1", $"{from.Creditor} : {which} ({total}). Merci de régler ou de nous contacter : {from.Email}");
    }
}
