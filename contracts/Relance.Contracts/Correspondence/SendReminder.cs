namespace Relance.Contracts.Correspondence;

/// <summary>
/// Command from the Reminder service: send this reminder action through its channel. Sent at least once;
/// <see cref="ReminderId"/> makes it idempotent. The positional members are the first version's; the others
/// were added with defaults, so an older sender's message still reads as a courteous email.
/// </summary>
/// <param name="Step">The plan step it carries out (e.g. "courtesy-reminder-1", "reminder-letter", "formal-notice").</param>
/// <param name="AsOf">The date the amounts and days late are stated at.</param>
public sealed record SendReminder(
    Guid ReminderId,
    string CaseId,
    string CompanyId,
    string Step,
    ReminderRecipient Recipient,
    IReadOnlyList<ReminderInvoice> Invoices,
    DateOnly AsOf)
{
    /// <summary>email, letter, registered-letter (with acknowledgment of receipt) or sms (needs the recipient's French mobile number).</summary>
    public string Channel { get; init; } = ReminderChannels.Email;

    /// <summary>Position of the step on the case's plan, 1 for the first.</summary>
    public int Level { get; init; } = 1;

    /// <summary>courteous, firm or formal.</summary>
    public string Tone { get; init; } = ReminderTones.Courteous;

    /// <summary>The plan's template name for the step; the Correspondence service picks the language version.</summary>
    public string? Template { get; init; }

    /// <summary>Days granted to pay from the date of the letter (8 for a formal notice), when the step sets one.</summary>
    public int? PaymentDeadlineDays { get; init; }

    /// <summary>Late-payment penalties and recovery indemnities claimed with this action, per invoice.</summary>
    public IReadOnlyList<ReminderClaim> Claims { get; init; } = [];

    /// <summary>The earlier actions of the case, which a reminder letter must recall with their dates.</summary>
    public IReadOnlyList<PreviousReminderAction> PreviousActions { get; init; } = [];

    /// <summary>The customer's preferred language, "fr" or "en"; the documents are French when there is no template in it.</summary>
    public string Language { get; init; } = "fr";
}

public sealed record ReminderRecipient(string CustomerId, string Name, string Email)
{
    /// <summary>The contact the step addresses (billing, accounting, management), when the ERP named one.</summary>
    public string? ContactName { get; init; }

    public string? Phone { get; init; }

    /// <summary>Where letters go: the billing address, else the head office.</summary>
    public ReminderPostalAddress? PostalAddress { get; init; }

    /// <summary>The account manager, copied when the plan involves them.</summary>
    public string? AccountManagerEmail { get; init; }
}

public sealed record ReminderPostalAddress(IReadOnlyList<string> Lines, string PostalCode, string City, string Country);

/// <param name="DueDate">The due date in force (postponed or not).</param>
public sealed record ReminderInvoice(
    string InvoiceNumber,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal Outstanding,
    string Currency)
{
    /// <summary>The contract's payment clause as the ERP sent it, which the reminder letter quotes.</summary>
    public string? PaymentClause { get; init; }

    /// <summary>The due date the invoice was issued with, when it differs from <see cref="DueDate"/> (postponed).</summary>
    public DateOnly? OriginalDueDate { get; init; }
}

/// <summary>What is claimed on one invoice besides its amount (Code de commerce L441-10 II).</summary>
/// <param name="AnnualRatePercent">The late-penalty rate applied (the last period's when several apply).</param>
/// <param name="RateBasis">Where the rate comes from: the contract, or the ECB rate plus the legal margin, and the periods.</param>
/// <param name="Penalty">Simple interest from the day after the due date to <see cref="SendReminder.AsOf"/>.</param>
/// <param name="RecoveryIndemnity">The fixed indemnity per late-paid invoice, in <paramref name="IndemnityCurrency"/> (not subject to VAT).</param>
public sealed record ReminderClaim(
    string InvoiceNumber,
    int DaysLate,
    decimal AnnualRatePercent,
    string RateBasis,
    decimal Penalty,
    string Currency,
    decimal RecoveryIndemnity,
    string IndemnityCurrency);

public sealed record PreviousReminderAction(string Step, string Channel, DateTimeOffset TakenAt);

public static class ReminderChannels
{
    public const string Email = "email";
    public const string Letter = "letter";
    public const string RegisteredLetter = "registered-letter";
    public const string Phone = "phone";
    public const string Litigation = "litigation";
    public const string Sms = "sms";
}

public static class ReminderTones
{
    public const string Courteous = "courteous";
    public const string Firm = "firm";
    public const string Formal = "formal";
}
