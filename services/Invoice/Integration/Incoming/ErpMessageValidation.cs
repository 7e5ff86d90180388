using System.Net.Mail;
using Relance.ServiceDefaults;
using Erp = Relance.Contracts.Erp;

namespace Relance.InvoiceService.Integration.Incoming;

/// <summary>Turns an ERP message into a command, or refuses it with every field that is wrong (not just the first).</summary>
public static class ErpMessageValidation
{
    public static Invoices.RecordingInvoice.RecordInvoice ToCommand(Erp.InvoiceIssued message, DateTimeOffset now)
    {
        var errors = new Errors();
        var companyId = errors.Identifier("companyId", message.CompanyId);
        var invoiceNumber = errors.Identifier("invoiceNumber", message.InvoiceNumber);
        var customerId = errors.Identifier("customer.customerId", message.Customer?.CustomerId);
        var customerName = errors.Text("customer.name", message.Customer?.Name);
        var email = errors.Email("customer.email", message.Customer?.Email);
        var issueDate = errors.Required("issueDate", message.IssueDate);
        var dueDate = errors.Required("dueDate", message.DueDate);
        if (message.IssueDate is { } issued && message.DueDate is { } due && due < issued)
            errors.Add("dueDate", "must not be before issueDate");
        var excludingVat = errors.Amount("amountExcludingVat", message.AmountExcludingVat);
        var includingVat = errors.Amount("amountIncludingVat", message.AmountIncludingVat);
        if (message.AmountExcludingVat is { } ht && message.AmountIncludingVat is { } ttc && ttc < ht)
            errors.Add("amountIncludingVat", "must not be less than amountExcludingVat");
        var currency = errors.Currency("currency", message.Currency);
        errors.ThrowIfAny();

        return new(companyId, invoiceNumber, new(customerId, customerName, email), issueDate, dueDate,
            excludingVat, includingVat, currency, now);
    }

    public static Invoices.RecordingPayment.RecordPayment ToCommand(Erp.PaymentReceived message, DateTimeOffset now)
    {
        var errors = new Errors();
        var companyId = errors.Identifier("companyId", message.CompanyId);
        var paymentId = errors.Identifier("paymentId", message.PaymentId);
        var invoiceNumber = errors.Identifier("invoiceNumber", message.InvoiceNumber);
        var amount = errors.Amount("amount", message.Amount);
        var currency = errors.Currency("currency", message.Currency);
        var receivedOn = errors.Required("receivedOn", message.ReceivedOn);
        errors.ThrowIfAny();

        return new(companyId, invoiceNumber, paymentId, amount, currency, receivedOn, now);
    }

    sealed class Errors
    {
        readonly List<(string Field, string Error)> _errors = [];

        public void Add(string field, string error) => _errors.Add((field, error));

        public void ThrowIfAny()
        {
            if (_errors.Count > 0) throw new MessageRejectedException(_errors);
        }

        public T Required<T>(string field, T? value) where T : struct
        {
            if (value is null) Add(field, "is required");
            return value.GetValueOrDefault();
        }

        public string Text(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) Add(field, "is required");
            else if (value.Length > 200) Add(field, "must be at most 200 characters");
            return value?.Trim() ?? "";
        }

        public string Identifier(string field, string? value)
        {
            var text = Text(field, value);
            if (text.Contains('/')) Add(field, "must not contain '/'");
            return text;
        }

        public string Email(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) { Add(field, "is required: reminders are sent to it"); return ""; }
            if (!MailAddress.TryCreate(value.Trim(), out var address) || address.Address != value.Trim())
                Add(field, $"'{value}' is not an email address");
            return value.Trim();
        }

        public decimal Amount(string field, decimal? value)
        {
            if (value is null) Add(field, "is required");
            else if (value <= 0) Add(field, "must be greater than zero");
            else if (decimal.Round(value.Value, 2) != value) Add(field, "must have at most two decimals");
            return value.GetValueOrDefault();
        }

        public string Currency(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) { Add(field, "is required (ISO 4217, e.g. EUR)"); return ""; }
            var code = value.Trim().ToUpperInvariant();
            if (code.Length != 3 || !code.All(char.IsAsciiLetterUpper)) Add(field, $"'{value}' is not an ISO 4217 currency code");
            return code;
        }
    }
}
