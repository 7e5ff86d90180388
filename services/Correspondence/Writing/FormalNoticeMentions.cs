using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Letters;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Writing;

/// <summary>
/// What a formal notice (mise en demeure) must carry to stand in a dispute (domain.md, ladder row 7), checked on
/// the document as it was laid out, so that an edited template that drops one is caught: the date of sending,
/// the sender's details (the creditor's name and postal address), the recipient's details (name and postal
/// address for a letter; an email's To header carries its address), the words "mise en demeure" / "formal
/// notice", each invoice with its amount, the deadline, the consequences of non-payment (the block the template
/// marks <c>@role consequences</c>) and the signature. An email's date of sending is its Date header.
/// </summary>
public static class FormalNoticeMentions
{
    public const string Consequences = "consequences";

    /// <summary>The mentions the laid-out <paramref name="text"/> lacks; none when it is a formal notice that stands.</summary>
    /// <param name="signature">The signature block's lines.</param>
    public static IReadOnlyList<string> Missing(
        CorrespondenceRequested request, Letterhead from, Document document, string text, IReadOnlyList<string> signature, Medium medium)
    {
        var formats = Formats.Of(document.Language);
        var missing = new List<string>();
        bool Has(string part) => !string.IsNullOrWhiteSpace(part) && text.Contains(part, StringComparison.Ordinal);
        bool HasDate(DateOnly date) => Has(formats.Date(date)) || Has(formats.LongDate(date));

        if (medium == Medium.Letter && !HasDate(request.AsOf))
            missing.Add($"the date of sending ({formats.LongDate(request.AsOf)})");

        var senderAddress = from.Address.Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        if (!Has(from.Creditor) || senderAddress.Count == 0 || !senderAddress.All(Has))
            missing.Add(senderAddress.Count == 0
                ? "the sender's details: no postal address is configured for the creditor (Correspondence:Sender:Addresses)"
                : "the sender's details (the creditor's name and postal address)");

        if (medium == Medium.Letter)
        {
            var lines = request.Recipient.PostalAddress is { } address ? PostalAddresses.Lines(address).ToList() : [];
            if (!Has(request.Recipient.Name) || lines.Count == 0 || !lines.All(Has))
                missing.Add("the recipient's details (name and postal address)");
        }

        var words = document.Language == Formats.English ? "formal notice" : "mise en demeure";
        if (!text.Contains(words, StringComparison.OrdinalIgnoreCase))
            missing.Add($"the words \"{words}\"");

        var textLines = text.Split('\n');
        foreach (var invoice in request.Invoices)
        {
            var amount = formats.Money(invoice.Outstanding, invoice.Currency);
            if (!textLines.Any(l => l.Contains(invoice.InvoiceNumber, StringComparison.Ordinal) && l.Contains(amount, StringComparison.Ordinal)))
                missing.Add($"invoice {invoice.InvoiceNumber} with its amount ({amount})");
        }

        if (request.PaymentDeadlineDays is not { } days || !HasDate(request.AsOf.AddDays(days)))
            missing.Add("the deadline to pay (its date)");

        if (!document.Body.Any(b => b.Role == Consequences && b is Paragraph { Lines.Count: > 0 } or Bullets { Items.Count: > 0 }))
            missing.Add($"the consequences of non-payment (a block marked @role {Consequences})");

        if (!signature.Any(l => l.Contains(from.Creditor, StringComparison.Ordinal)))
            missing.Add("the signature (on behalf of the creditor)");

        return missing;
    }

    /// <exception cref="MessageRejectedException">Naming each mention missing, with the template that lacks it.</exception>
    public static void Ensure(CorrespondenceRequested request, Letterhead from, Document document, string text, IReadOnlyList<string> signature, Medium medium)
    {
        var missing = Missing(request, from, document, text, signature, medium);
        if (missing.Count > 0)
            throw new MessageRejectedException([.. missing.Select(m => ("FormalNotice", $"{document.Template} lacks {m}, a mandatory mention of a formal notice"))]);
    }
}
