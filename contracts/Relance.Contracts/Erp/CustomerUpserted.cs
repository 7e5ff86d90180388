namespace Relance.Contracts.Erp;

/// <summary>The ERP created or updated a customer: who to write to and how, who manages the account, and any dunning hold.</summary>
public sealed record CustomerUpserted : IErpMessage
{
    public string? CompanyId { get; init; }
    public string? CustomerId { get; init; }
    public string? LegalName { get; init; }
    /// <summary>The French company number (9 digits), when the customer has one.</summary>
    public string? Siren { get; init; }
    public IReadOnlyList<Address>? Addresses { get; init; }
    public IReadOnlyList<Contact>? Contacts { get; init; }
    /// <summary>fr or en.</summary>
    public string? PreferredLanguage { get; init; }
    /// <summary>email, letter or phone.</summary>
    public string? PreferredChannel { get; init; }
    public Contact? AccountManager { get; init; }
    public string? Segment { get; init; }
    /// <summary>No reminder at all for this customer while set, until its end date.</summary>
    public DunningHold? DunningHold { get; init; }
}

public sealed record Address
{
    /// <summary>billing, head-office or other.</summary>
    public string? Kind { get; init; }
    public IReadOnlyList<string>? Lines { get; init; }
    public string? PostalCode { get; init; }
    public string? City { get; init; }
    /// <summary>ISO 3166 alpha-2, e.g. FR.</summary>
    public string? Country { get; init; }
}

public sealed record Contact
{
    /// <summary>billing, accounting or management (not used for the account manager).</summary>
    public string? Role { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
}

public sealed record DunningHold
{
    public string? Reason { get; init; }
    public DateOnly? Until { get; init; }
}
