using System.Text.Json;

namespace Relance.ServiceDefaults.Audit.Timeline;

/// <summary>
/// How each stored event reads in an audit timeline: a one-line summary in English per event type (with a generic
/// fallback for types added later), the reason, the channel, the invoices it is about and what it proves.
/// </summary>
public static class TimelineDescriptions
{
    public static TimelineEntry Describe(StoredEvent e, TimelineContext context)
    {
        var data = e.Data;
        var reminderId = e.Service == AuditStore.Correspondence ? e.Stream : data.Str("ReminderId");
        var action = context.ActionOf(reminderId);
        var currency = context.CurrencyOf(e.Stream) ?? (reminderId is null ? null : context.CurrencyOf(reminderId)) ?? CaseCurrency(e.Service, e.Stream);
        var invoices = EventFields.InvoicesOf(data);
        if (invoices.Count == 0) invoices = action?.Invoices ?? InvoiceOfStream(e.Service, e.Stream);
        var channel = data.Str("Channel") ?? action?.Channel;
        var summary = Summary(e.Service, e.Type, data, new Facts(action?.Step, channel, currency, invoices));
        return new TimelineEntry(e.At, e.Service, e.Stream, e.Version, e.Sequence, e.Type, e.Actor, e.CorrelationId, e.CausationId,
            summary, ReasonOf(data), channel, invoices, ProofsOf(data), e.SealHash, data);
    }

    /// <summary>What an event says beyond its own fields: the step and channel of its reminder, its currency, its invoices.</summary>
    public sealed record Facts(string? Step, string? Channel, string? Currency, IReadOnlyList<string> Invoices);

    public static string Summary(string service, string type, JsonElement d, Facts facts)
    {
        string M(string name) => d.Dec(name) is { } amount ? EventFields.Money(amount, facts.Currency) : "?";
        string S(string name) => d.Str(name) ?? "?";
        var step = d.Str("Step") ?? facts.Step ?? "correspondence";
        var by = d.Str("By") is { } who && who != "erp" ? $" by {who}" : "";
        var list = facts.Invoices.Count == 0 ? "" : string.Join(", ", facts.Invoices);
        return (service, type) switch
        {
            // ——— Invoice service ———
            (AuditStore.Invoice, "invoice_issued") =>
                $"invoice {S("InvoiceNumber")} issued {S("IssueDate")} for {M("AmountIncludingVat")} incl. VAT, due {S("DueDate")}",
            (AuditStore.Invoice, "payment_received") => $"payment of {M("Amount")} allocated ({S("PaymentId")}, received {S("ReceivedOn")}), {M("OutstandingAfter")} still owed",
            (AuditStore.Invoice, "credit_note_applied") => $"credit note {S("CreditNoteNumber")} of {M("Amount")} applied, {M("OutstandingAfter")} still owed",
            (AuditStore.Invoice, "allocation_parked") => $"{S("Kind").ToLowerInvariant()} {S("Reference")} of {M("Amount")} parked until invoice {S("InvoiceNumber")} comes",
            (AuditStore.Invoice, "parked_allocation_refused") => $"parked {S("Kind").ToLowerInvariant()} {S("Reference")} refused",
            (AuditStore.Invoice, "invoice_corrected") => $"invoice corrected: {M("AmountIncludingVat")} incl. VAT, due {S("DueDate")}, {M("OutstandingAfter")} still owed",
            (AuditStore.Invoice, "invoice_cancelled") => "invoice cancelled",
            (AuditStore.Invoice, "invoice_settled") => $"invoice settled {S("SettledOn")}",
            (AuditStore.Invoice, "dispute_opened") => $"dispute {S("DisputeId")} opened by the ERP",
            (AuditStore.Invoice, "dispute_closed") => $"dispute {S("DisputeId")} closed by the ERP: {S("Resolution")}",
            (AuditStore.Invoice, "e_invoicing_status_recorded") => $"e-invoicing status {S("Status")} on {S("StatusDate")}",
            (AuditStore.Invoice, "customer_recorded") => $"customer {S("LegalName")} ({S("CustomerId")}) described by the ERP",

            // ——— Reminder service: the dunning case ———
            (AuditStore.Reminder, "dunning_case_opened") =>
                $"case opened for {d.Obj("Customer")?.Str("Name") ?? "?"} ({d.Obj("Customer")?.Str("CustomerId") ?? "?"}) in {S("Currency")}",
            (AuditStore.Reminder, "case_plan_adopted") => $"plan {S("PlanId")} v{d.Int("Version")} adopted",
            (AuditStore.Reminder, "invoice_joined_case") =>
                $"invoice {S("InvoiceNumber")} joined the case: {M("Outstanding")} outstanding, due {S("DueDate")}" + (d.Bool("LeftToPerson") ? ", left to a person" : ""),
            (AuditStore.Reminder, "invoice_balance_changed") => $"invoice {S("InvoiceNumber")} now owes {M("Outstanding")} ({S("Reason")})",
            (AuditStore.Reminder, "invoice_left_case") => $"invoice {S("InvoiceNumber")} left the case ({S("Reason")})",
            (AuditStore.Reminder, "reminder_requested") =>
                $"{step} (level {d.Int("Level")}) requested by {facts.Channel ?? "?"} to {Addressee(d.Obj("Recipient"))} for {list}"
                + (d.Str("RequestedBy") is { } person ? $", asked by {person}" : "") + Claimed(d, facts.Currency),
            (AuditStore.Reminder, "step_skipped") => $"{step} (level {d.Int("Level")}) skipped{by}",
            (AuditStore.Reminder, "action_awaiting_approval") => $"{step} awaits approval for {M("Total")} on {list}",
            (AuditStore.Reminder, "action_approved") => $"{step} approved{by}",
            (AuditStore.Reminder, "action_refused") => $"{step} refused{by}",
            (AuditStore.Reminder, "step_blocked") => $"{step} blocked: no channel reaches the customer",
            (AuditStore.Reminder, "case_handed_to_litigation") => $"case handed to litigation ({step}) for {list}" + Claimed(d, facts.Currency),
            (AuditStore.Reminder, "reminder_sent") => $"{step} sent by {facts.Channel ?? "?"} to {S("Recipient")}",
            (AuditStore.Reminder, "case_contact_changed") => "the customer's contact details changed (ERP)",
            (AuditStore.Reminder, "case_hold_set") => $"case on hold until {S("Until")}{by}",
            (AuditStore.Reminder, "case_hold_lifted") => $"{S("Of")} hold on the case lifted{by}",
            (AuditStore.Reminder, "invoice_disputed") => $"invoice {S("InvoiceNumber")} disputed ({d.Str("Category") ?? "ERP"}){by}",
            (AuditStore.Reminder, "invoice_dispute_closed") => $"dispute {S("DisputeId")} on invoice {S("InvoiceNumber")} closed: {d.Str("Outcome") ?? S("Resolution")}{by}",
            (AuditStore.Reminder, "reminder_withdrawn") => $"{step} withdrawn before it left",
            (AuditStore.Reminder, "reminder_recalled") => $"{step} recalled from the Correspondence service: {S("Reason")}",
            (AuditStore.Reminder, "reminder_narrowed") => $"{step} sent without {list}",
            (AuditStore.Reminder, "dunning_case_closed") => "case closed",
            (AuditStore.Reminder, "dunning_case_reopened") => "case reopened",
            (AuditStore.Reminder, "case_assigned") => $"case assigned to {S("Collector")}{by}",
            (AuditStore.Reminder, "call_assigned") => $"call assigned to {S("Assignee")}{by}",
            (AuditStore.Reminder, "call_logged") => $"call logged: {S("Outcome")}" + (d.Str("ContactName") is { } contact ? $" with {contact}" : "") + by,
            (AuditStore.Reminder, "phone_number_reported_wrong") => $"phone number {S("Phone")} reported wrong{by}",
            (AuditStore.Reminder, "payment_promised") => $"promise to pay {M("Amount")} by {S("PromisedFor")} for {list}{by}",
            (AuditStore.Reminder, "payment_promise_kept") => $"promise kept: {M("Paid")} paid",
            (AuditStore.Reminder, "payment_promise_broken") => $"promise broken: {M("Paid")} paid of {M("Promised")}",
            (AuditStore.Reminder, "payment_plan_agreed") =>
                $"payment plan agreed: {d.Items("Instalments").Count()} instalments, {EventFields.Money(d.Items("Instalments").Sum(i => i.Dec("Amount") ?? 0), facts.Currency)} for {list}{by}",
            (AuditStore.Reminder, "instalment_paid") => $"instalment {d.Int("Number")} paid, {M("PaidToDate")} to date",
            (AuditStore.Reminder, "payment_plan_broken") => $"payment plan broken: instalment {d.Int("MissedInstalment")} missed, {M("PaidToDate")} paid of {M("DueToDate")}",
            (AuditStore.Reminder, "payment_plan_completed") => $"payment plan completed: {M("Paid")} paid",
            (AuditStore.Reminder, "invoice_hold_set") => $"invoice {S("InvoiceNumber")} on hold until {S("Until")}{by}",
            (AuditStore.Reminder, "invoice_hold_lifted") => $"hold on invoice {S("InvoiceNumber")} lifted{by}",
            (AuditStore.Reminder, "invoice_correction_not_received") => $"correction of invoice {S("InvoiceNumber")} not received in time: chased again",
            (AuditStore.Reminder, "invoices_taken_over") => $"invoices {list} taken over{by}",
            (AuditStore.Reminder, "case_note_added") => $"note{by}: {S("Text")}",
            (AuditStore.Reminder, "case_level_lowered") => $"case taken back from level {d.Int("FromLevel")} to {d.Int("ToLevel")}{by}",
            (AuditStore.Reminder, "case_written_off") => $"case written off: {M("Total")}{by}",
            (AuditStore.Reminder, "letter_posted") => $"{step} posted {S("PostedOn")}, tracking number {S("TrackingNumber")}",
            (AuditStore.Reminder, "letter_delivered") => $"{step} delivered {S("DeliveredOn")}",
            (AuditStore.Reminder, "letter_receipt_acknowledged") => $"{step} acknowledged {S("SignedOn")}",
            (AuditStore.Reminder, "letter_returned") => $"{step} returned {S("ReturnedOn")} ({S("Reason")})",
            (AuditStore.Reminder, "reminder_not_delivered") => $"{step} by {facts.Channel ?? "?"} did not reach {S("Recipient")}: {S("Kind")}",
            (AuditStore.Reminder, "dunning_plan_published") => $"plan {d.Obj("Plan")?.Str("Id") ?? "?"} published by {S("PublishedBy")}",

            // ——— Correspondence service: what was sent, and what became of it ———
            (AuditStore.Correspondence, "correspondence_requested") =>
                $"{step} requested by {facts.Channel ?? "?"} to {Addressee(d.Obj("Recipient"))} as of {S("AsOf")}, tone {S("Tone")}",
            (AuditStore.Correspondence, "correspondence_rendered") => $"{step} rendered from template {S("Template")}: \"{S("Subject")}\"",
            (AuditStore.Correspondence, "correspondence_sent") => $"{step} sent by {facts.Channel ?? "?"} to {S("Recipient")}",
            (AuditStore.Correspondence, "letter_queued_for_posting") => $"{step} sent by {facts.Channel ?? "?"} to {S("Addressee")}, queued for posting",
            (AuditStore.Correspondence, "correspondence_sending_failed") => $"{step} sending failed" + (d.Bool("Permanent") ? " for good" : "") + $": {S("Reason")}",
            (AuditStore.Correspondence, "letter_handed_to_postal_provider") => $"{step} handed to the postal provider {S("Provider")}",
            (AuditStore.Correspondence, "letter_posted") => $"{step} posted {S("PostedOn")}, tracking number {S("TrackingNumber")}",
            (AuditStore.Correspondence, "letter_delivered") => $"{step} delivered {S("DeliveredOn")}",
            (AuditStore.Correspondence, "letter_receipt_acknowledged") => $"letter acknowledged {S("SignedOn")}",
            (AuditStore.Correspondence, "acknowledgment_card_archived") => $"{step}: scanned acknowledgment card archived",
            (AuditStore.Correspondence, "letter_returned_undelivered") => $"{step} returned undelivered {S("ReturnedOn")} ({S("Reason")})",
            (AuditStore.Correspondence, "dispatch_started") => $"{step}: dispatch by {facts.Channel ?? "?"} started",
            (AuditStore.Correspondence, "dispatch_outcome_unknown") => $"{step}: dispatch outcome unknown ({S("Reason")})",
            (AuditStore.Correspondence, "sending_confirmed") => $"{step}: sending confirmed{by}",
            (AuditStore.Correspondence, "resend_ordered") => $"{step}: sending again ordered{by}",
            (AuditStore.Correspondence, "delivery_reported") => $"{step}: delivery report {S("Status")}",
            (AuditStore.Correspondence, "correspondence_bounced") => $"{step}: email to {S("Recipient")} bounced ({S("StatusCode")})",
            (AuditStore.Correspondence, "correspondence_abandoned") => $"{step} abandoned, never sent",
            (AuditStore.Correspondence, "correspondence_withdrawn") => $"{step} withdrawn, never sent: {S("Reason")}",
            (AuditStore.Correspondence, "correspondence_withdrawal_too_late") => $"{step}: withdrawal came too late ({S("Detail")})",
            (AuditStore.Correspondence, "correspondence_refused") =>
                $"{step} refused when rendered: {string.Join("; ", d.Items("Reasons").Select(r => $"{r.Str("Field")} {r.Str("Error")}"))}",
            (AuditStore.Correspondence, "invoice_documents_announced") => $"{d.Items("Documents").Count()} document(s) announced for invoice {S("InvoiceNumber")}",
            (AuditStore.Correspondence, "invoice_document_kept") => $"document {d.Int("Position") + 1} of invoice {list} kept ({d.Int("Length")} bytes)",
            (AuditStore.Correspondence, "invoice_document_fetch_failed") => $"document {d.Int("Position") + 1} of invoice {list} could not be fetched",

            _ => type.Replace('_', ' ') + (list.Length > 0 ? $" ({list})" : ""),
        };
    }

    static string Addressee(JsonElement? recipient) =>
        recipient is not { } r ? "?"
        : r.Str("ContactName") is { } contact && contact != r.Str("Name") ? $"{contact}, {r.Str("Name")}"
        : r.Str("Name") ?? "?";

    static string Claimed(JsonElement d, string? currency)
    {
        var claims = d.Items("Claims").ToList();
        if (claims.Count == 0) return "";
        return $", claiming {EventFields.Money(claims.Sum(c => c.Dec("Penalty") ?? 0), currency)} of late-payment penalties"
            + $" and {EventFields.Money(claims.Sum(c => c.Dec("RecoveryIndemnity") ?? 0), claims[0].Str("IndemnityCurrency") ?? currency)} of recovery indemnities";
    }

    static readonly string[] ReasonFields = ["Reason", "Comment", "Resolution", "Notes"];

    static string? ReasonOf(JsonElement data) =>
        ReasonFields.Select(field => data.Str(field)).FirstOrDefault(r => !string.IsNullOrWhiteSpace(r));

    // The proof a field carries, by its name in the services' events.
    static readonly (string Field, string Proof)[] ProofFields =
    [
        ("ContentSha256", "contentSha256"), ("TemplateSha256", "templateSha256"), ("TrackingNumber", "trackingNumber"),
        ("ProviderMessageId", "providerMessageId"), ("ProviderResponse", "providerResponse"), ("PostedOn", "postedOn"),
        ("DeliveredOn", "deliveredOn"), ("SignedOn", "acknowledgedOn"), ("CardSha256", "scanSha256"), ("ReturnedOn", "returnedOn"),
        ("FirstPresentedOn", "firstPresentedOn"), ("StatusCode", "bounceStatus"), ("Diagnostic", "bounceDiagnostic"),
        ("Provider", "postalProvider"), ("Reference", "postalReference"), ("Source", "source"), ("Sha256", "documentSha256"),
    ];

    public static IReadOnlyDictionary<string, string> ProofsOf(JsonElement data)
    {
        var proofs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (data.ValueKind != JsonValueKind.Object) return proofs;
        foreach (var (field, proof) in ProofFields)
            if (data.TryGetProperty(field, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                proofs[proof] = value.ToString();
        if (data.Obj("Card") is { } card && card.Str("Sha256") is { } scan) proofs["scanSha256"] = scan;
        if (data.Str("Template") is { } template && data.Str("ContentSha256") is not null) proofs["template"] = template;
        foreach (var attachment in data.Items("Attachments"))
            if (attachment.Str("Sha256") is { } sha) proofs[$"attachment {attachment.Str("Name")}"] = sha;
        foreach (var missing in data.Items("MissingAttachments"))
            proofs[$"missing attachment {missing.Str("Name")}"] = missing.Str("Reason") ?? "";
        return proofs;
    }

    // A case's stream key ends with its currency ({company}/{customer}/{currency}): for a timeline that starts after it opened.
    static string? CaseCurrency(string service, string stream) =>
        service == AuditStore.Reminder && stream.Count(c => c == '/') == 2 ? stream[(stream.LastIndexOf('/') + 1)..] : null;

    // The invoice a stream is about: an invoice's own ({company}/{invoice}), or its documents' (invoice-documents/{company}/{invoice}).
    static IReadOnlyList<string> InvoiceOfStream(string service, string stream) => (service, stream) switch
    {
        (AuditStore.Correspondence, _) when stream.StartsWith("invoice-documents/", StringComparison.Ordinal) =>
            [stream["invoice-documents/".Length..][(stream["invoice-documents/".Length..].IndexOf('/') + 1)..]],
        (AuditStore.Invoice, _) when !stream.StartsWith("customer:", StringComparison.Ordinal) && stream.IndexOf('/') > 0 => [stream[(stream.IndexOf('/') + 1)..]],
        _ => [],
    };
}
