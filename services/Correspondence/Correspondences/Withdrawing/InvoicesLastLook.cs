using MassTransit;
using Relance.Contracts.Invoicing;

namespace Relance.CorrespondenceService.Correspondences.Withdrawing;

/// <summary>Correspondence:LastLook: whether to ask the Invoice service before a reminder leaves, and how long to wait.</summary>
public sealed record LastLookOptions
{
    public const string Section = "Correspondence:LastLook";
    public bool Enabled { get; init; } = true;
    /// <summary>Past it, the reminder leaves on what the Reminder service knew (the recall still stands behind it).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>What the Invoice service's answer means for a reminder about to leave. Pure.</summary>
public static class LastLook
{
    /// <summary>
    /// Why the reminder must not leave: every invoice it lists is settled or cancelled. Null (send it) when one of them is
    /// still owed, or unknown to the Invoice service (it cannot tell; the Reminder service chased it on what it knew).
    /// </summary>
    public static string? WithdrawalReason(IReadOnlyCollection<string> listed, InvoicesOwed answer)
    {
        if (listed.Count == 0) return null;
        var lines = answer.Invoices.GroupBy(i => i.InvoiceNumber, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var number in listed)
            if (!lines.TryGetValue(number, out var line) || line.Status is not (InvoiceOwedStatuses.Settled or InvoiceOwedStatuses.Cancelled))
                return null;
        var each = string.Join(", ", listed.Select(n => $"{n} {lines[n].Status}"));
        return $"every invoice it listed was paid or cancelled when the Invoice service was asked just before it left, at {answer.CheckedAt:u} ({each})";
    }
}

/// <summary>
/// The last look before a reminder leaves: asks the Invoice service what is still owed on the reminder's invoices. It
/// closes the window the recall leaves open: a payment the Invoice service has recorded reaches the Reminder service
/// (which then recalls the reminder) only after its subscription and the broker have carried it. The look is a request
/// with a short timeout: an Invoice service that does not answer delays the reminder by that much, then it leaves on
/// what the Reminder service knew, as before.
/// </summary>
public sealed class InvoicesLastLook(IRequestClient<CheckInvoicesOwed> client, LastLookOptions options, ILogger<InvoicesLastLook> logger)
{
    /// <summary>The withdrawal to record instead of sending, or null: send it.</summary>
    public async Task<Withdrawal?> WithdrawalFor(CorrespondenceRequested request, CancellationToken cancellation)
    {
        if (!options.Enabled || request.Invoices.IsEmpty) return null;
        var numbers = request.Invoices.Select(i => i.InvoiceNumber).Distinct(StringComparer.Ordinal).ToList();
        try
        {
            var answer = await client.GetResponse<InvoicesOwed>(new CheckInvoicesOwed(request.CompanyId, numbers), cancellation, RequestTimeout.After(ms: (int)options.Timeout.TotalMilliseconds));
            return LastLook.WithdrawalReason(numbers, answer.Message) is { } reason ? new Withdrawal(reason, answer.Message.CheckedAt) : null;
        }
        catch (RequestTimeoutException)
        {
            logger.LogWarning("The Invoice service did not say within {Timeout} what is owed on the invoices of correspondence {CorrespondenceId}: it leaves on what the Reminder service knew",
                options.Timeout, request.ReminderId);
            return null;
        }
        catch (RequestFaultException e)
        {
            logger.LogWarning("The Invoice service could not say what is owed on the invoices of correspondence {CorrespondenceId} ({Fault}): it leaves on what the Reminder service knew",
                request.ReminderId, e.Message);
            return null;
        }
    }
}
