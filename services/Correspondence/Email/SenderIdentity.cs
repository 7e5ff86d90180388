using Relance.CorrespondenceService.Writing;

namespace Relance.CorrespondenceService.Email;

/// <summary>Who reminders come from: the "Correspondence:Sender" configuration section.</summary>
public sealed record SenderIdentity
{
    public string Name { get; init; } = "Service recouvrement";
    public string Email { get; init; } = "recouvrement@relance.localhost";

    /// <summary>The creditor companies' names as their customers know them, by company id; the id itself otherwise.</summary>
    public Dictionary<string, string> Companies { get; init; } = [];

    /// <summary>The creditor companies' postal addresses (lines), by company id, printed at the head of letters.</summary>
    public Dictionary<string, string[]> Addresses { get; init; } = [];

    /// <summary>The creditor companies' bank details (account holder, IBAN, BIC, bank name), by company id, printed for a quick transfer.</summary>
    public Dictionary<string, BankDetails> Banks { get; init; } = [];

    public string CreditorName(string companyId) => Companies.GetValueOrDefault(companyId) ?? companyId;

    public Letterhead LetterheadOf(string companyId) =>
        new(CreditorName(companyId), Name, Email, Addresses.GetValueOrDefault(companyId) ?? []) { Bank = Banks.GetValueOrDefault(companyId) };
}
