using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Marten;
using Relance.CorrespondenceService.Correspondences;
using Relance.InvoiceService.Customers;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ServiceDefaults.Audit.PersonalData;

namespace Relance.Audit.Tests.PersonalData;

/// <summary>The personal-data rules name real members of real events, and masking them leaves no contact detail and still reads.</summary>
[Trait("Category", "Unit")]
public sealed class PersonalDataRulesTests
{
    static readonly ISerializer Serializer = new StoreOptions().Serializer();
    static readonly Assembly[] Services = [typeof(CustomerRecorded).Assembly, typeof(DunningCaseOpened).Assembly, typeof(CorrespondenceRequested).Assembly];
    static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    static readonly string[] ContactStrings =
        ["Anne Martin", "anne.martin@dupont.test", "+33472000001", "12 rue des Lilas", "69003", "Lyon", "Marc Dupont", "direction@dupont.test"];

    // Marten's event type name: the class name in snake case.
    static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    // Two services may have events of the same name (letter_receipt_acknowledged): the rules are by name, for both.
    static Type[] EventTypes(string typeName) =>
        [.. Services.SelectMany(a => a.GetTypes()).Where(t => t.IsPublic && !t.IsAbstract && SnakeCase(t.Name) == typeName)];

    static Type? Reached(Type type, string pattern)
    {
        foreach (var segment in pattern.Split('/')[1..])
        {
            if (Member(type, segment) is not { } member) return null;
            type = Nullable.GetUnderlyingType(member) ?? member;
        }
        return type;
    }

    static Type? Member(Type type, string segment)
    {
        if (segment == "*")
            return type.IsArray ? type.GetElementType() : type.GetInterfaces().Concat([type])
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        return type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance)?.PropertyType;
    }

    public static TheoryData<string, string, PersonalValueKind> EveryPath()
    {
        var data = new TheoryData<string, string, PersonalValueKind>();
        foreach (var (type, paths) in PersonalDataRules.Current.Events)
            foreach (var path in paths) data.Add(type, path.Pattern, path.Kind);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPath))]
    public void Each_path_reaches_a_string_or_bytes_member_of_its_event(string eventType, string pattern, PersonalValueKind kind)
    {
        var types = EventTypes(eventType);
        Assert.True(types.Length > 0, $"personal-data.json names {eventType}, which is no event type of the services");
        Assert.Contains(kind == PersonalValueKind.Base64 ? typeof(byte[]) : typeof(string), types.Select(t => Reached(t, pattern)));
    }

    [Fact]
    public void The_rules_are_versioned_and_dated_and_the_limitation_period_is_five_years()
    {
        Assert.Equal(PersonalDataRules.Versions.Max(v => v.Version), PersonalDataRules.Current.Version);
        Assert.Equal(5, PersonalDataRules.LimitationOn(new DateOnly(2026, 12, 3)).Years);
        Assert.Throws<InvalidOperationException>(() => PersonalDataRules.LimitationOn(new DateOnly(2000, 1, 1)));
        Assert.Throws<InvalidOperationException>(() => PersonalDataRules.Version(999));
    }

    static CaseCustomer Customer() => new("C-1", "Dupont SAS", "anne.martin@dupont.test")
    {
        Contacts = [new CaseContact("billing", "Anne Martin", "anne.martin@dupont.test", "+33472000001"), new CaseContact("management", "Marc Dupont", "direction@dupont.test", null)],
        PostalAddress = new CasePostalAddress(["12 rue des Lilas"], "69003", "Lyon", "FR"),
        AccountManager = new CaseContact("account-manager", "Paul Durand", "p.durand@acme.test", "+33100000000"),
    };

    static string Erased<T>(T @event, string type)
    {
        var (data, masked) = ErasureMask.Erase(Serializer.ToJson(@event!), PersonalDataRules.Current.ForEvent(type), Key);
        Assert.True(masked > 0);
        foreach (var contact in ContactStrings) Assert.DoesNotContain(contact, data);
        return data;
    }

    static T Read<T>(string json) => Serializer.FromJson<T>(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void A_customer_as_the_ERP_described_it_keeps_its_legal_name_and_the_account_manager_but_no_contact_detail()
    {
        var recorded = new CustomerRecorded("ACME", "C-1", "Dupont SAS", "732829320",
            [new CustomerAddress("billing", ["12 rue des Lilas"], "69003", "Lyon", "FR")],
            [new CustomerContact("billing", "Anne Martin", "anne.martin@dupont.test", "+33472000001"), new CustomerContact("management", "Marc Dupont", "direction@dupont.test", null)],
            "fr", "email", new CustomerContact("account-manager", "Paul Durand", "p.durand@acme.test", null), null, null, DateTimeOffset.UnixEpoch);
        var read = Read<CustomerRecorded>(Erased(recorded, "customer_recorded"));
        Assert.Equal(("Dupont SAS", "732829320", "FR", "p.durand@acme.test"), (read.LegalName, read.Siren, read.Addresses[0].Country, read.AccountManager!.Email));
        Assert.StartsWith("[erased hmac-sha256:", read.Contacts[0].Email);
        Assert.Null(read.Contacts[1].Phone);
    }

    [Fact]
    public void A_case_opened_and_a_reminder_requested_lose_their_contacts_and_still_read()
    {
        var opened = Read<DunningCaseOpened>(Erased(new DunningCaseOpened("ACME/C-1/EUR", "ACME", Customer(), "EUR", DateTimeOffset.UnixEpoch), "dunning_case_opened"));
        Assert.Equal(("Dupont SAS", "FR", "p.durand@acme.test"), (opened.Customer.Name, opened.Customer.PostalAddress!.Country, opened.Customer.AccountManager!.Email));

        var recipient = new ActionRecipient("C-1", "Dupont SAS", "Anne Martin", "anne.martin@dupont.test", "+33472000001",
            new CasePostalAddress(["12 rue des Lilas"], "69003", "Lyon", "FR"), null, "billing");
        var requested = new ReminderRequested(Guid.NewGuid(), Guid.NewGuid(), "formal-notice", 4, "registered-letter", recipient, [], "due", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        Assert.Equal("registered-letter", Read<ReminderRequested>(Erased(requested, "reminder_requested")).Channel);
    }

    [Fact]
    public void A_letter_PDF_is_masked_as_bytes_so_that_the_rendering_still_reads_and_its_content_hash_stays()
    {
        var pdf = Encoding.UTF8.GetBytes("%PDF-1.7 Anne Martin, 12 rue des Lilas, 69003 Lyon");
        var rendered = new CorrespondenceRendered("formal-notice/fr/v1", "Mise en demeure", null, "c0ffee", DateTimeOffset.UnixEpoch) { Pdf = pdf };
        var json = Serializer.ToJson(rendered);
        var (data, masked) = ErasureMask.Erase(json, PersonalDataRules.Current.ForEvent("correspondence_rendered"), Key);
        Assert.Equal(1, masked);
        var read = Read<CorrespondenceRendered>(data);
        Assert.Equal("c0ffee", read.ContentSha256);
        Assert.StartsWith("[erased hmac-sha256:", Encoding.ASCII.GetString(read.Pdf!));
        Assert.DoesNotContain(Convert.ToBase64String(pdf), data);
    }

    [Fact]
    public void The_customer_profile_kept_beside_the_events_has_rules_of_its_own()
    {
        var document = PersonalDataRules.Current.Documents["customerprofile"];
        Assert.Equal("ACME/C-1", document.IdOf("ACME", "C-1"));
        var profile = new CustomerProfile("ACME/C-1", Customer(), null);
        var (data, masked) = ErasureMask.Erase(Serializer.ToJson(profile), document.Paths, Key);
        // The case's email, Anne Martin's name, email and phone, Marc Dupont's name and email, the address line, postal code and city.
        Assert.Equal(9, masked);
        foreach (var contact in ContactStrings) Assert.DoesNotContain(contact, data);
        Assert.Equal("Dupont SAS", Read<CustomerProfile>(data).Customer.Name);
    }

    [Fact]
    public void Erasing_twice_masks_nothing_more()
    {
        var paths = PersonalDataRules.Current.ForEvent("reminder_sent");
        var (once, first) = ErasureMask.Erase("""{"Recipient": "anne.martin@dupont.test", "Channel": "email"}""", paths, Key);
        var (twice, second) = ErasureMask.Erase(once, paths, Key);
        Assert.Equal((1, 0, once), (first, second, twice));
    }

    [Fact]
    public void An_event_type_with_no_personal_data_is_left_as_stored()
    {
        const string data = """{"Reason": "paid", "ClosedAt": "2026-05-20T08:00:00+00:00"}""";
        Assert.Equal((data, 0), ErasureMask.Erase(data, PersonalDataRules.Current.ForEvent("dunning_case_closed"), Key));
    }
}
