using Relance.CorrespondenceService.Correspondences;

namespace Relance.CorrespondenceService.Writing;

/// <summary>
/// What a template may print: every figure computed here and written in the template's language (amounts, dates,
/// days late, totals, penalties, the deadline), so that a template holds words and no arithmetic. The names are
/// the templates' vocabulary, listed in the README.
/// </summary>
public static class TemplateModel
{
    public const string Email = "email", Letter = "letter", Sms = "sms";

    public static Dictionary<string, object?> Of(CorrespondenceRequested request, Letterhead from, string medium, string language)
    {
        var formats = Formats.Of(language);
        var invoices = Ordered(request.Invoices);
        // In the invoices' order; a claim on an invoice not listed comes last rather than not at all.
        var claims = request.Claims
            .OrderBy(c => invoices.FindIndex(i => i.InvoiceNumber == c.InvoiceNumber) switch { -1 => int.MaxValue, var at => at })
            .ThenBy(c => c.InvoiceNumber, StringComparer.Ordinal).ToList();
        var principal = invoices.Select(i => (i.Outstanding, i.Currency)).ToList();
        var penalties = claims.Select(c => (c.Penalty, c.Currency)).ToList();
        var indemnities = claims.Select(c => (c.RecoveryIndemnity, c.IndemnityCurrency)).ToList();
        DateOnly? deadline = request.PaymentDeadlineDays is { } days ? request.AsOf.AddDays(days) : null;
        // An invoice due after the deadline (or after today when there is none) is to be paid at its own due date.
        var dueNow = invoices.Where(i => i.DueDate <= (deadline ?? request.AsOf)).ToList();

        Dictionary<string, object?> Invoice(ChasedInvoice i)
        {
            var late = request.AsOf.DayNumber - i.DueDate.DayNumber;
            var postponed = i.OriginalDueDate is { } original && original != i.DueDate;
            return new()
            {
                ["number"] = i.InvoiceNumber,
                ["issue_date"] = formats.Date(i.IssueDate),
                ["due_date"] = formats.Date(i.DueDate),
                ["postponed"] = postponed,
                ["original_due_date"] = postponed ? formats.Date(i.OriginalDueDate!.Value) : null,
                ["outstanding"] = formats.Money(i.Outstanding, i.Currency),
                ["overdue"] = late > 0,
                ["days_late"] = Math.Max(late, 0),
                ["payment_clause"] = string.IsNullOrWhiteSpace(i.PaymentClause) ? null : i.PaymentClause.Trim(),
            };
        }

        return new()
        {
            ["language"] = formats.Language,
            ["medium"] = medium,
            ["channel"] = request.Channel,
            ["creditor"] = from.Creditor,
            ["department"] = from.Department,
            ["creditor_email"] = from.Email,
            ["creditor_address"] = from.Address.Where(l => !string.IsNullOrWhiteSpace(l)).ToList(),
            ["place"] = Place(from),
            ["recipient"] = new Dictionary<string, object?>
            {
                ["name"] = request.Recipient.Name,
                ["contact"] = string.IsNullOrWhiteSpace(request.Recipient.ContactName) ? null : request.Recipient.ContactName,
                ["customer_id"] = request.Recipient.CustomerId,
            },
            ["as_of"] = formats.Date(request.AsOf),
            ["as_of_long"] = formats.LongDate(request.AsOf),
            ["invoices"] = invoices.Select(Invoice).ToList(),
            ["invoice_count"] = invoices.Count,
            ["overdue"] = invoices.Any(i => i.DueDate < request.AsOf),
            ["any_postponed"] = invoices.Any(i => i.OriginalDueDate is { } o && o != i.DueDate),
            ["any_payment_clause"] = invoices.Any(i => !string.IsNullOrWhiteSpace(i.PaymentClause)),
            ["payment_clause_count"] = invoices.Count(i => !string.IsNullOrWhiteSpace(i.PaymentClause)),
            ["due_now"] = dueNow.Select(Invoice).ToList(),
            ["due_later"] = invoices.Except(dueNow).Select(Invoice).ToList(),
            ["total_outstanding"] = formats.Total(principal),
            ["claims"] = claims.Select(c => new Dictionary<string, object?>
            {
                ["invoice"] = c.InvoiceNumber,
                ["days_late"] = c.DaysLate,
                ["rate"] = formats.Percent(c.AnnualRatePercent),
                ["rate_basis"] = c.RateBasis,
                ["penalty"] = formats.Money(c.Penalty, c.Currency),
                ["indemnity"] = formats.Money(c.RecoveryIndemnity, c.IndemnityCurrency),
            }).ToList(),
            ["claims_indemnity"] = claims.Any(c => c.RecoveryIndemnity > 0),
            ["total_penalties"] = formats.Total(penalties),
            ["total_indemnities"] = formats.Total(indemnities),
            ["total"] = formats.Total([.. principal, .. penalties, .. indemnities]),
            ["deadline_days"] = request.PaymentDeadlineDays,
            ["deadline"] = deadline is { } date ? formats.Date(date) : null,
            ["previous_actions"] = request.PreviousActions.OrderBy(a => a.TakenAt).Select(a =>
            {
                var (day, time) = formats.DateAndTime(a.TakenAt);
                return new Dictionary<string, object?> { ["date"] = day, ["time"] = time, ["channel"] = a.Channel, ["step"] = a.Step };
            }).ToList(),
            ["bank"] = from.Bank is { } bank && !string.IsNullOrWhiteSpace(bank.Iban)
                ? new Dictionary<string, object?>
                {
                    ["holder"] = string.IsNullOrWhiteSpace(bank.AccountHolder) ? from.Creditor : bank.AccountHolder,
                    ["iban"] = bank.Iban,
                    ["bic"] = string.IsNullOrWhiteSpace(bank.Bic) ? null : bank.Bic,
                    ["name"] = string.IsNullOrWhiteSpace(bank.BankName) ? null : bank.BankName,
                }
                : null,
        };
    }

    public static List<ChasedInvoice> Ordered(IEnumerable<ChasedInvoice> invoices) =>
        invoices.OrderBy(i => i.DueDate).ThenBy(i => i.InvoiceNumber, StringComparer.Ordinal).ToList();

    /// <summary>"Lyon": the city of the sender's last address line ("69002 Lyon"), when it has one.</summary>
    static string? Place(Letterhead from)
    {
        var last = from.Address.LastOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim();
        return last?.Split(' ', 2) is [var code, var name] && code.All(char.IsAsciiDigit) ? name.Trim() : null;
    }
}
