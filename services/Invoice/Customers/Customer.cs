using System.Collections.Immutable;
using System.Text.Json;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Relance.InvoiceService.Customers;

// The persisted schema of a customer as its ERP describes it: each change is recorded whole, so the
// history says who the customer was, and how to reach it, at any date.

public sealed record CustomerRecorded(
    string CompanyId,
    string CustomerId,
    string LegalName,
    string? Siren,
    ImmutableList<CustomerAddress> Addresses,
    ImmutableList<CustomerContact> Contacts,
    string PreferredLanguage,
    string PreferredChannel,
    CustomerContact? AccountManager,
    string? Segment,
    CustomerHold? DunningHold,
    DateTimeOffset RecordedAt)
{
    /// <summary>Where reminders go: the billing contact's email, else the accounting one's.</summary>
    public string? ReminderEmail =>
        Contacts.FirstOrDefault(c => c.Role == "billing" && c.Email is not null)?.Email
        ?? Contacts.FirstOrDefault(c => c.Role == "accounting" && c.Email is not null)?.Email;

    public bool SameAs(CustomerRecorded other) =>
        JsonSerializer.Serialize(this with { RecordedAt = default }) == JsonSerializer.Serialize(other with { RecordedAt = default });
}

public sealed record CustomerAddress(string Kind, ImmutableList<string> Lines, string PostalCode, string City, string Country);

public sealed record CustomerContact(string Role, string Name, string? Email, string? Phone);

public sealed record CustomerHold(string Reason, DateOnly Until);

public sealed record Customer(string Id, CustomerRecorded Current)
{
    public static string StreamKey(string companyId, string customerId) => $"customer:{companyId}/{customerId}";
}

public static class CustomerDecider
{
    /// <summary>A customer described again as it already is changes nothing.</summary>
    public static IReadOnlyList<object> Decide(CustomerRecorded described, Customer? state) =>
        state is not null && state.Current.SameAs(described) ? [] : [described];
}

public sealed class CustomerProjection : SingleStreamProjection<Customer, string>
{
    public override Customer? Evolve(Customer? snapshot, string id, IEvent e) =>
        e.Data is CustomerRecorded recorded ? new Customer(id, recorded) : snapshot;
}
