using System.Globalization;
using System.Text.Json;
using Relance.InvoiceService.Invoices.CancellingInvoice;
using Relance.InvoiceService.Invoices.CorrectingInvoice;
using Relance.InvoiceService.Invoices.Disputing;
using Relance.InvoiceService.Invoices.RecordingAllocation;
using Relance.InvoiceService.Invoices.RecordingInvoice;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Invoices;

/// <summary>Pure decisions on one invoice. A command that cannot be accepted throws <see cref="MessageRejectedException"/>.</summary>
public static class InvoiceDecider
{
    public static IReadOnlyList<object> Decide(RecordInvoice command, Invoice? state)
    {
        var issued = command.ToEvent();
        if (state?.Issued is { } known)
        {
            // The same invoice sent again (a redelivery, or the ERP re-sending it) changes nothing;
            // a different invoice under a number already used is refused.
            return SameInvoice(known, issued)
                ? []
                : throw Rejected("invoiceNumber",
                    $"invoice {command.InvoiceNumber} was already issued by company {command.CompanyId} with different content; send invoice.corrected instead");
        }

        // Allocations that came first apply now, in the order they came.
        var events = new List<object> { issued };
        var outstanding = issued.AmountIncludingVat;
        foreach (var parked in state?.Parked ?? [])
        {
            if (ParkedRefusal(parked, issued) is { } refusal)
            {
                events.Add(new ParkedAllocationRefused(parked.Kind, parked.Reference, refusal, command.Now));
                continue;
            }
            outstanding -= parked.Amount;
            events.Add(Applied(parked.Kind, parked.Reference, parked.Amount, parked.On, outstanding, command.Now));
        }
        if (outstanding <= 0 && events.Count > 1)
            events.Add(new InvoiceSettled(state!.Parked.Max(p => p.On), command.Now));
        return events;
    }

    public static IReadOnlyList<object> Decide(RecordAllocation command, Invoice? state)
    {
        if (state?.Knows(command.Kind, command.Reference) == true)
        {
            // The same payment or credit note again changes nothing; under the same reference another amount is refused.
            var known = state.AllocatedAmounts.GetValueOrDefault(Invoice.AllocationKey(command.Kind, command.Reference), command.Amount);
            return known == command.Amount
                ? []
                : throw Rejected(command.Kind == AllocationKind.Payment ? "paymentId" : "creditNoteNumber",
                    $"{command.Reference} was already applied to invoice {command.InvoiceNumber} for {known}, not {command.Amount}");
        }
        if (state?.Issued is null)
            return [new AllocationParked(command.CompanyId, command.InvoiceNumber, command.Kind, command.Reference, command.Amount, command.Currency, command.On, command.Now)
            {
                CustomerId = command.CustomerId,
            }];
        var refusals = Refusals(command, state, state.Issued).ToList();
        if (refusals.Count > 0) throw new MessageRejectedException(refusals);

        var outstanding = state.Outstanding - command.Amount;
        var applied = Applied(command.Kind, command.Reference, command.Amount, command.On, outstanding, command.Now);
        return state.Status == InvoiceStatus.Open && outstanding <= 0
            ? [applied, new InvoiceSettled(command.On, command.Now)]
            : [applied];
    }

    // Everything that keeps a new payment or credit note off an invoice that came.
    static IEnumerable<(string Field, string Error)> Refusals(RecordAllocation command, Invoice state, InvoiceIssued issued)
    {
        if (state.Status is InvoiceStatus.Cancelled)
            yield return (command.InvoiceNumberField, $"invoice {command.InvoiceNumber} is cancelled: no payment or credit note can apply to it");
        if (command.CustomerId is { } customer && customer != issued.Customer.CustomerId)
            yield return ("customerId", $"invoice {command.InvoiceNumber} was issued to customer {issued.Customer.CustomerId}, not {customer}");
        if (!string.Equals(command.Currency, issued.Currency, StringComparison.Ordinal))
            yield return ("currency", $"invoice {command.InvoiceNumber} is in {issued.Currency}, not {command.Currency}");
    }

    // The same rules for what came before the invoice, said in the invoice's history rather than to the sender.
    static string? ParkedRefusal(ParkedAllocation parked, InvoiceIssued issued) =>
        parked.CustomerId is { } customer && customer != issued.Customer.CustomerId ? $"it names customer {customer}, the invoice's is {issued.Customer.CustomerId}"
        : !string.Equals(parked.Currency, issued.Currency, StringComparison.Ordinal) ? $"it is in {parked.Currency}, the invoice in {issued.Currency}"
        : null;

    public static IReadOnlyList<object> Decide(CorrectInvoice command, Invoice? state)
    {
        if (state?.Issued is null) throw UnknownInvoice(command.CompanyId, command.InvoiceNumber);
        if (state.Corrections.Contains(command.CorrectionId))
        {
            // The same correction again changes nothing; under the same id another content is refused.
            var known = state.CorrectionContents.GetValueOrDefault(command.CorrectionId, command.Content);
            var differences = Differences(known, command.Content);
            return differences.Count == 0
                ? []
                : throw Rejected("correctionId",
                    $"correction {command.CorrectionId} was already applied to invoice {command.InvoiceNumber} with {string.Join(", ", differences)}; give another correction its own correctionId");
        }
        if (state.Status is not InvoiceStatus.Open)
            throw Rejected("invoiceNumber", $"invoice {command.InvoiceNumber} is {state.Status.ToString().ToLowerInvariant()}: it can no longer be corrected; issue a new invoice or a credit note");
        if (command.DueDate < state.Issued.IssueDate) throw Rejected("dueDate", "must not be before the invoice's issue date");

        var outstanding = command.AmountIncludingVat - state.Paid - state.Credited;
        var corrected = new InvoiceCorrected(command.CorrectionId, command.DueDate, command.AmountExcludingVat, command.AmountIncludingVat,
            command.Reason, outstanding, command.Now);
        return outstanding <= 0
            ? [corrected, new InvoiceSettled(DateOnly.FromDateTime(command.Now.UtcDateTime), command.Now)]
            : [corrected];
    }

    public static IReadOnlyList<object> Decide(CancelInvoice command, Invoice? state) => state switch
    {
        { Issued: null } or null => throw UnknownInvoice(command.CompanyId, command.InvoiceNumber),
        { Status: InvoiceStatus.Cancelled } => [],
        { Status: InvoiceStatus.Settled } => throw Rejected("invoiceNumber", $"invoice {command.InvoiceNumber} is settled: issue a credit note instead"),
        _ => [new InvoiceCancelled(command.Reason, command.Now)],
    };

    public static IReadOnlyList<object> Decide(OpenDispute command, Invoice? state)
    {
        if (state?.Issued is null) throw UnknownInvoice(command.CompanyId, command.InvoiceNumber);
        if (state.OpenDisputes.Contains(command.DisputeId) || state.ClosedDisputes.Contains(command.DisputeId)) return [];
        if (state.Status is not InvoiceStatus.Open)
            throw Rejected("invoiceNumber", $"invoice {command.InvoiceNumber} is {state.Status.ToString().ToLowerInvariant()}: nothing is chased on it to dispute");
        return [new DisputeOpened(command.DisputeId, command.Reason, command.Comment, command.OpenedOn, command.Now)];
    }

    public static IReadOnlyList<object> Decide(CloseDispute command, Invoice? state)
    {
        if (state?.Issued is null) throw UnknownInvoice(command.CompanyId, command.InvoiceNumber);
        if (state.ClosedDisputes.Contains(command.DisputeId)) return [];
        if (!state.OpenDisputes.Contains(command.DisputeId))
            throw Rejected("disputeId", $"no dispute {command.DisputeId} is open on invoice {command.InvoiceNumber}");
        return [new DisputeClosed(command.DisputeId, command.Resolution, command.Comment, command.ClosedOn, command.Now)];
    }

    /// <summary>Records what the e-invoicing platform said, then does what it means: a payment, or a dispute.</summary>
    public static IReadOnlyList<object> Decide(RecordEInvoicingStatus command, Invoice? state)
    {
        if (state?.Issued is null) throw UnknownInvoice(command.CompanyId, command.InvoiceNumber);
        if (state.EInvoicingStatuses.Contains(command.StatusId)) return [];

        var recorded = new EInvoicingStatusRecorded(command.StatusId, command.Status, command.StatusDate, command.Amount, command.Comment, command.Now);
        var after = InvoiceEvolution.Evolve(state, recorded)!;
        var reference = $"einvoicing:{command.StatusId}";
        IReadOnlyList<object> effects = command.Status switch
        {
            _ when state.Status is not InvoiceStatus.Open => [],
            EInvoicingStatuses.Cashed when (command.Amount ?? state.Outstanding) > 0 => Decide(new RecordAllocation(
                command.CompanyId, command.InvoiceNumber, AllocationKind.Payment, reference, command.Amount ?? state.Outstanding,
                command.Currency ?? state.Issued.Currency, command.StatusDate, command.Now), after),
            EInvoicingStatuses.Disputed or EInvoicingStatuses.Suspended or EInvoicingStatuses.Refused => Decide(new OpenDispute(
                command.CompanyId, command.InvoiceNumber, reference, $"e-invoicing status {command.Status}", command.Comment, command.StatusDate, command.Now), after),
            // Approved after a platform status had contested it: the disputes that status opened are over.
            EInvoicingStatuses.Approved => [.. state.OpenDisputes.Where(d => d.StartsWith("einvoicing:", StringComparison.Ordinal))
                .Select(d => new DisputeClosed(d, "e-invoicing status approved", command.Comment, command.StatusDate, command.Now))],
            _ => [],
        };
        return [recorded, .. effects];
    }

    static object Applied(AllocationKind kind, string reference, decimal amount, DateOnly on, decimal outstanding, DateTimeOffset now) => kind switch
    {
        AllocationKind.Payment => new PaymentReceived(reference, amount, on, outstanding, now),
        _ => new CreditNoteApplied(reference, amount, on, outstanding, now),
    };

    static IReadOnlyList<string> Differences(CorrectionContent known, CorrectionContent sent) =>
    [
        .. new (string Field, object Known, object Sent)[]
            {
                ("dueDate", known.DueDate, sent.DueDate),
                ("amountExcludingVat", known.AmountExcludingVat, sent.AmountExcludingVat),
                ("amountIncludingVat", known.AmountIncludingVat, sent.AmountIncludingVat),
                ("reason", known.Reason, sent.Reason),
            }
            .Where(d => !Equals(d.Known, d.Sent))
            .Select(d => $"{d.Field} {Show(d.Known)} (not {Show(d.Sent)})"),
    ];

    static string Show(object value) => value switch
    {
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        string text => $"'{text}'",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    // Records holding lists compare by reference: compare what the ERP sent, as JSON.
    static bool SameInvoice(InvoiceIssued known, InvoiceIssued candidate) =>
        JsonSerializer.Serialize(known with { RecordedAt = default }) == JsonSerializer.Serialize(candidate with { RecordedAt = default });

    static MessageRejectedException UnknownInvoice(string companyId, string invoiceNumber) =>
        Rejected("invoiceNumber", $"no invoice {invoiceNumber} is known for company {companyId}");

    static MessageRejectedException Rejected(string field, string error) => new([(field, error)]);
}
