using System.Collections.Immutable;
using System.Net.Mail;
using Relance.InvoiceService.Customers;
using Relance.InvoiceService.Invoices;
using Relance.InvoiceService.Invoices.CancellingInvoice;
using Relance.InvoiceService.Invoices.CorrectingInvoice;
using Relance.InvoiceService.Invoices.Disputing;
using Relance.InvoiceService.Invoices.RecordingAllocation;
using Relance.InvoiceService.Invoices.RecordingInvoice;
using Relance.ServiceDefaults;
using Erp = Relance.Contracts.Erp;

namespace Relance.InvoiceService.Integration.Incoming;

/// <summary>Turns an ERP message into commands, or refuses it with every field that is wrong (not just the first).</summary>
public static class ErpMessageValidation
{
    public const int MaxDocumentBytes = 5 * 1024 * 1024;
    static readonly string[] DocumentKinds = ["invoice", "quote", "purchase-order", "contract", "bank-details", "other"];
    static readonly string[] DisputeReasons = ["not-received", "wrong-amount", "quality", "already-paid", "other"];
    static readonly string[] DisputeResolutions = ["credit-note", "corrected-invoice", "invoice-resent", "dispute-rejected", "other"];

    public static RecordInvoice ToCommand(Erp.InvoiceIssued message, DateTimeOffset now)
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

        PaymentTerms? terms = null;
        if (message.PaymentTerms is { } t)
        {
            var days = errors.Required("paymentTerms.days", t.Days);
            if (days is < 0 or > 365) errors.Add("paymentTerms.days", "must be between 0 and 365");
            terms = new PaymentTerms(days, t.EndOfMonth ?? false);
        }
        if (message.PaymentClause is { Length: > 4000 }) errors.Add("paymentClause", "must be at most 4000 characters");
        if (message.LatePenaltyRatePercent is { } rate && rate is <= 0 or > 100)
            errors.Add("latePenaltyRatePercent", "must be a yearly rate in percent, above 0 and at most 100");

        var documents = (message.Documents ?? []).Select((d, i) => errors.Document($"documents[{i}]", d)).ToImmutableList();
        if (documents.Count > 20) errors.Add("documents", "at most 20 documents");
        errors.ThrowIfAny();

        return new(companyId, invoiceNumber, new(customerId, customerName, email), issueDate, dueDate, excludingVat, includingVat, currency,
            terms, string.IsNullOrWhiteSpace(message.PaymentClause) ? null : message.PaymentClause.Trim(), message.LatePenaltyRatePercent, documents, now);
    }

    public static CorrectInvoice ToCommand(Erp.InvoiceCorrected message, DateTimeOffset now)
    {
        var errors = new Errors();
        var companyId = errors.Identifier("companyId", message.CompanyId);
        var invoiceNumber = errors.Identifier("invoiceNumber", message.InvoiceNumber);
        var correctionId = errors.Identifier("correctionId", message.CorrectionId);
        var dueDate = errors.Required("dueDate", message.DueDate);
        var excludingVat = errors.Amount("amountExcludingVat", message.AmountExcludingVat);
        var includingVat = errors.Amount("amountIncludingVat", message.AmountIncludingVat);
        if (message.AmountExcludingVat is { } ht && message.AmountIncludingVat is { } ttc && ttc < ht)
            errors.Add("amountIncludingVat", "must not be less than amountExcludingVat");
        var reason = errors.Text("reason", message.Reason);
        errors.ThrowIfAny();
        return new(companyId, invoiceNumber, correctionId, dueDate, excludingVat, includingVat, reason, now);
    }

    public static CancelInvoice ToCommand(Erp.InvoiceCancelled message, DateTimeOffset now)
    {
        var errors = new Errors();
        var companyId = errors.Identifier("companyId", message.CompanyId);
        var invoiceNumber = errors.Identifier("invoiceNumber", message.InvoiceNumber);
        var reason = errors.Text("reason", message.Reason);
        errors.ThrowIfAny();
        return new(companyId, invoiceNumber, reason, now);
    }

    public static IReadOnlyList<RecordAllocation> ToCommands(Erp.CreditNoteIssued message, DateTimeOffset now)
    {
        var errors = new Errors();
        var companyId = errors.Identifier("companyId", message.CompanyId);
        var number = errors.Identifier("creditNoteNumber", message.CreditNoteNumber);
        var customerId = errors.Identifier("customerId", message.CustomerId);
        var issueDate = errors.Required("issueDate", message.IssueDate);
        var currency = errors.Currency("currency", message.Currency);
        var allocations = errors.Allocations("allocations", message.Allocations, required: true);
        errors.ThrowIfAny();
        return [.. allocations.Select((a, i) => new RecordAllocation(companyId, a.InvoiceNumber, AllocationKind.CreditNote, number, a.Amount, currency, issueDate, now)
        {
            CustomerId = customerId,
            InvoiceNumberField = $"allocations[{i}].invoiceNumber",
        })];
    }

    /// <summary>A payment's allocations to invoices, or, when it has none, the payment kept unallocated.</summary>
    public static (IReadOnlyList<RecordAllocation> Allocations, UnallocatedPaymentReceived? Unallocated) ToCommands(Erp.PaymentReceived message, DateTimeOffset now)
    {
        var errors = new Errors();
        var companyId = errors.Identifier("companyId", message.CompanyId);
        var paymentId = errors.Identifier("paymentId", message.PaymentId);
        var currency = errors.Currency("currency", message.Currency);
        var receivedOn = errors.Required("receivedOn", message.ReceivedOn);

        List<(string InvoiceNumber, decimal Amount)> allocations = [];
        decimal amount = 0;
        if (message.InvoiceNumber is not null && message.Allocations is not null)
            errors.Add("allocations", "give either invoiceNumber and amount, or allocations, not both");
        else if (message.Allocations is not null)
        {
            allocations = errors.Allocations("allocations", message.Allocations, required: true);
            if (message.Amount is { } total && allocations.Count == message.Allocations.Count && total != allocations.Sum(a => a.Amount))
                errors.Add("amount", $"is {total}, but the allocations add up to {allocations.Sum(a => a.Amount)}");
        }
        else
        {
            amount = errors.Amount("amount", message.Amount);
            if (message.InvoiceNumber is not null)
                allocations = [(errors.Identifier("invoiceNumber", message.InvoiceNumber), amount)];
            else if (string.IsNullOrWhiteSpace(message.CustomerId))
                errors.Add("customerId", "is required for a payment allocated to no invoice (or give invoiceNumber or allocations)");
        }
        errors.ThrowIfAny();

        return allocations.Count > 0
            ? ([.. allocations.Select((a, i) => new RecordAllocation(companyId, a.InvoiceNumber, AllocationKind.Payment, paymentId, a.Amount, currency, receivedOn, now)
                {
                    CustomerId = string.IsNullOrWhiteSpace(message.CustomerId) ? null : message.CustomerId.Trim(),
                    InvoiceNumberField = message.Allocations is null ? "invoiceNumber" : $"allocations[{i}].invoiceNumber",
                })], null)
            : ([], new UnallocatedPaymentReceived(companyId, message.CustomerId!.Trim(), paymentId, amount, currency, receivedOn, now));
    }

    public static OpenDispute ToCommand(Erp.DisputeOpened message, DateTimeOffset now)
    {
        var errors = new Errors();
        var companyId = errors.Identifier("companyId", message.CompanyId);
        var invoiceNumber = errors.Identifier("invoiceNumber", message.InvoiceNumber);
        var disputeId = errors.Identifier("disputeId", message.DisputeId);
        var reason = errors.OneOf("reason", message.Reason, DisputeReasons);
        var comment = errors.Comment("comment", message.Comment);
        var openedOn = errors.Required("openedOn", message.OpenedOn);
        errors.ThrowIfAny();
        return new(companyId, invoiceNumber, disputeId, reason, comment, openedOn, now);
    }

    public static CloseDispute ToCommand(Erp.DisputeClosed message, DateTimeOffset now)
    {
        var errors = new Errors();
        var companyId = errors.Identifier("companyId", message.CompanyId);
        var invoiceNumber = errors.Identifier("invoiceNumber", message.InvoiceNumber);
        var disputeId = errors.Identifier("disputeId", message.DisputeId);
        var resolution = errors.OneOf("resolution", message.Resolution, DisputeResolutions);
        var comment = errors.Comment("comment", message.Comment);
        var closedOn = errors.Required("closedOn", message.ClosedOn);
        errors.ThrowIfAny();
        return new(companyId, invoiceNumber, disputeId, resolution, comment, closedOn, now);
    }

    public static RecordEInvoicingStatus ToCommand(Erp.EInvoicingStatusReported message, DateTimeOffset now)
    {
        var errors = new Errors();
        var companyId = errors.Identifier("companyId", message.CompanyId);
        var invoiceNumber = errors.Identifier("invoiceNumber", message.InvoiceNumber);
        var statusId = errors.Identifier("statusId", message.StatusId);
        var status = EInvoicingStatuses.Normalise(errors.Text("status", message.Status));
        var statusDate = errors.Required("statusDate", message.StatusDate);
        if (message.Amount is not null) errors.Amount("amount", message.Amount);
        var currency = message.Currency is null && message.Amount is null ? null : errors.Currency("currency", message.Currency);
        var comment = errors.Comment("comment", message.Comment);
        errors.ThrowIfAny();
        return new(companyId, invoiceNumber, statusId, status, statusDate, message.Amount, currency, comment, now);
    }

    public static CustomerRecorded ToEvent(Erp.CustomerUpserted message, DateTimeOffset now)
    {
        var errors = new Errors();
        var companyId = errors.Identifier("companyId", message.CompanyId);
        var customerId = errors.Identifier("customerId", message.CustomerId);
        var legalName = errors.Text("legalName", message.LegalName);
        var siren = message.Siren?.Replace(" ", "");
        if (siren is not null && !IsSiren(siren)) errors.Add("siren", $"'{message.Siren}' is not a SIREN (9 digits with a valid check digit)");
        var addresses = (message.Addresses ?? []).Select((a, i) => new CustomerAddress(
            errors.OneOf($"addresses[{i}].kind", a.Kind, ["billing", "head-office", "other"]),
            errors.Lines($"addresses[{i}].lines", a.Lines),
            errors.Text($"addresses[{i}].postalCode", a.PostalCode),
            errors.Text($"addresses[{i}].city", a.City),
            errors.Country($"addresses[{i}].country", a.Country))).ToImmutableList();
        var contacts = (message.Contacts ?? []).Select((c, i) => errors.Contact($"contacts[{i}]", c, ["billing", "accounting", "management"])).ToImmutableList();
        var language = message.PreferredLanguage is null ? "fr" : errors.OneOf("preferredLanguage", message.PreferredLanguage, ["fr", "en"]);
        var channel = message.PreferredChannel is null ? "email" : errors.OneOf("preferredChannel", message.PreferredChannel, ["email", "letter", "phone"]);
        var manager = message.AccountManager is null ? null : errors.Contact("accountManager", message.AccountManager with { Role = "account-manager" }, ["account-manager"]);
        CustomerHold? hold = null;
        if (message.DunningHold is { } h)
            hold = new CustomerHold(errors.Text("dunningHold.reason", h.Reason), errors.Required("dunningHold.until", h.Until));
        errors.ThrowIfAny();
        return new CustomerRecorded(companyId, customerId, legalName, siren, addresses, contacts, language, channel, manager,
            string.IsNullOrWhiteSpace(message.Segment) ? null : message.Segment.Trim(), hold, now);
    }

    // SIREN: 9 digits whose Luhn sum is a multiple of 10.
    static bool IsSiren(string siren) =>
        siren.Length == 9 && siren.All(char.IsAsciiDigit)
        && siren.Select((c, i) => (c - '0') * (i % 2 == 1 ? 2 : 1)).Sum(d => d > 9 ? d - 9 : d) % 10 == 0;

    sealed class Errors
    {
        public ImmutableList<string> Lines(string field, IReadOnlyList<string>? lines)
        {
            if (lines is null or { Count: 0 or > 4 } || lines.Any(string.IsNullOrWhiteSpace)) Add(field, "must hold 1 to 4 non-empty lines");
            return [.. (lines ?? []).Select(l => l?.Trim() ?? "")];
        }

        public string Country(string field, string? value)
        {
            var code = value?.Trim().ToUpperInvariant() ?? "";
            if (code.Length != 2 || !code.All(char.IsAsciiLetterUpper)) Add(field, "must be an ISO 3166 alpha-2 code, e.g. FR");
            return code;
        }

        public CustomerContact Contact(string field, Erp.Contact contact, string[] roles)
        {
            var role = OneOf($"{field}.role", contact.Role, roles);
            var name = Text($"{field}.name", contact.Name);
            string? email = null;
            if (!string.IsNullOrWhiteSpace(contact.Email)) email = Email($"{field}.email", contact.Email);
            var phone = string.IsNullOrWhiteSpace(contact.Phone) ? null : contact.Phone.Trim();
            if (phone is not null && (phone.Length > 30 || !phone.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '.' or '-' or '(' or ')')))
                Add($"{field}.phone", $"'{contact.Phone}' is not a phone number");
            return new CustomerContact(role, name, email, phone);
        }

        public string OneOf(string field, string? value, string[] allowed)
        {
            var text = value?.Trim().ToLowerInvariant() ?? "";
            if (!allowed.Contains(text)) Add(field, $"must be one of {string.Join(", ", allowed)}");
            return text;
        }

        public string? Comment(string field, string? value)
        {
            if (value is { Length: > 2000 }) Add(field, "must be at most 2000 characters");
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

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
            if (!Iso4217.Codes.Contains(code)) Add(field, $"'{value}' is not an ISO 4217 currency code");
            return code;
        }

        public List<(string InvoiceNumber, decimal Amount)> Allocations(string field, IReadOnlyList<Erp.Allocation>? allocations, bool required)
        {
            if (allocations is null or { Count: 0 })
            {
                if (required) Add(field, "must list at least one invoice");
                return [];
            }
            var result = allocations.Select((a, i) => (Identifier($"{field}[{i}].invoiceNumber", a.InvoiceNumber), Amount($"{field}[{i}].amount", a.Amount))).ToList();
            foreach (var twice in result.GroupBy(a => a.Item1).Where(g => g.Key.Length > 0 && g.Count() > 1))
                Add(field, $"invoice {twice.Key} is listed more than once");
            return result;
        }

        public InvoiceDocument Document(string field, Erp.Document document)
        {
            var kind = document.Kind?.Trim().ToLowerInvariant() ?? "";
            if (!DocumentKinds.Contains(kind)) Add($"{field}.kind", $"must be one of {string.Join(", ", DocumentKinds)}");
            var name = Text($"{field}.name", document.Name);
            var mediaType = Text($"{field}.mediaType", document.MediaType);
            var byUrl = !string.IsNullOrWhiteSpace(document.Url);
            var byContent = !string.IsNullOrWhiteSpace(document.ContentBase64);
            if (byUrl == byContent) Add(field, "give either url or contentBase64");
            if (byUrl && !(Uri.TryCreate(document.Url, UriKind.Absolute, out var url) && url.Scheme is "https" or "http"))
                Add($"{field}.url", "must be an absolute http(s) URL");
            if (byContent)
            {
                var buffer = new byte[document.ContentBase64!.Length];
                if (!Convert.TryFromBase64String(document.ContentBase64, buffer, out var length)) Add($"{field}.contentBase64", "is not valid base64");
                else if (length > MaxDocumentBytes) Add($"{field}.contentBase64", $"is {length} bytes; at most {MaxDocumentBytes} (send a url instead)");
            }
            return new InvoiceDocument(kind, name, mediaType, byUrl ? document.Url : null, byContent ? document.ContentBase64 : null);
        }
    }
}
