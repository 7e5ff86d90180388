using Relance.ServiceDefaults.Audit.PersonalData;
using Relance.ServiceDefaults.Audit.Sealing;

namespace Relance.Audit.Tests.Sealing;

/// <summary>A seal covers every stored column of its event and the seal before it; an erasure leaves it unchanged.</summary>
[Trait("Category", "Unit")]
public sealed class SealHashTests
{
    static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    static readonly PersonalDataRuleSet Rules = PersonalDataRules.Current;

    static readonly StoredEvent Sent = new(42, "ACME/C-1/EUR", 7, Guid.Parse("0d7f1a4e-1111-4a2b-9c3d-123456789abc"), "reminder_sent",
        new DateTime(2026, 5, 14, 8, 0, 0, DateTimeKind.Utc).AddTicks(1230), "system:reminder", "corr-1", "cause-1", null,
        """{"Channel": "email", "SentAt": "2026-05-14T08:00:00+00:00", "Recipient": "anne.martin@dupont.test", "ReminderId": "5b0c", "ContentSha256": "c0ffee"}""");

    static string Hash(StoredEvent e, string? previous = "ab", byte[]? key = null, List<string>? problems = null, bool keyErased = false) =>
        SealHash.Compute(previous, e, Rules, keyErased ? null : key ?? Key, problems ?? []);

    [Fact]
    public void The_same_event_after_the_same_seal_always_hashes_the_same() => Assert.Equal(Hash(Sent), Hash(Sent));

    public static TheoryData<string, StoredEvent> Alterations() => new()
    {
        { "data", Sent with { Data = Sent.Data.Replace("c0ffee", "decaf0") } },
        { "personal value", Sent with { Data = Sent.Data.Replace("anne.martin", "someone.else") } },
        { "stream", Sent with { StreamId = "ACME/C-2/EUR" } },
        { "version", Sent with { Version = 8 } },
        { "id", Sent with { Id = Guid.NewGuid() } },
        { "type", Sent with { Type = "reminder_withdrawn" } },
        { "timestamp (a microsecond)", Sent with { Timestamp = Sent.Timestamp.AddTicks(10) } },
        { "actor", Sent with { UserName = "user:mallory" } },
        { "correlation", Sent with { CorrelationId = null } },
        { "cause", Sent with { CausationId = "cause-2" } },
        { "headers", Sent with { Headers = """{"x": 1}""" } },
    };

    [Theory]
    [MemberData(nameof(Alterations))]
    public void Any_column_altered_changes_the_hash(string what, StoredEvent altered) => Assert.True(Hash(Sent) != Hash(altered), what);

    [Fact]
    public void The_hash_depends_on_the_previous_seal_so_that_events_are_chained() =>
        Assert.NotEqual(Hash(Sent, previous: "ab"), Hash(Sent, previous: null));

    [Fact]
    public void An_erased_value_hashes_as_the_value_did_so_the_chain_still_verifies_without_the_key()
    {
        var (masked, count) = ErasureMask.Erase(Sent.Data, Rules.ForEvent(Sent.Type), Key);
        Assert.Equal(1, count);
        var problems = new List<string>();
        Assert.Equal(Hash(Sent), Hash(Sent with { Data = masked }, keyErased: true, problems: problems));
        Assert.Empty(problems);
    }

    [Fact]
    public void The_seal_does_not_contain_a_guessable_form_of_the_value_another_key_gives_another_hash()
    {
        var otherKey = Enumerable.Repeat((byte)7, 32).ToArray();
        Assert.NotEqual(Hash(Sent), Hash(Sent, key: otherKey));
    }

    [Fact]
    public void A_mask_altered_by_hand_is_reported_and_breaks_the_hash()
    {
        var (masked, _) = ErasureMask.Erase(Sent.Data, Rules.ForEvent(Sent.Type), Key);
        var hex = masked.Split("hmac-sha256:")[1][..64];
        var problems = new List<string>();
        var altered = Sent with { Data = masked.Replace(hex, hex[..63] + (hex[63] == '0' ? '1' : '0')) };
        Assert.NotEqual(Hash(Sent), Hash(altered, keyErased: true, problems: problems));
        var truncated = Sent with { Data = masked.Replace(hex, hex[..10]) };
        Hash(truncated, keyErased: true, problems: problems);
        Assert.Contains(problems, p => p.StartsWith("/Recipient: an erasure mask altered"));
    }

    [Fact]
    public void A_value_written_back_in_clear_after_the_key_was_erased_is_reported()
    {
        var problems = new List<string>();
        Hash(Sent, keyErased: true, problems: problems);
        Assert.Equal(["/Recipient: a personal value in clear, though the stream's key was erased"], problems);
    }
}
