using System.Collections.Immutable;
using Relance.ReminderService;
using Relance.ServiceDefaults;

namespace Relance.Audit.Tests;

/// <summary>The stores write sets in ordinal order, so that the same state gives the same JSON in any process.</summary>
[Trait("Category", "Unit")]
public sealed class OrderedSetSerializationTests
{
    sealed record Holder(ImmutableHashSet<string> Emails);

    [Fact]
    public void A_set_is_written_in_ordinal_order_and_read_back_whole()
    {
        // Opening a store does not connect: only its serializer is used here.
        using var store = EventStore.OpenStore("Host=127.0.0.1;Database=unused", ReminderApp.Name, ReminderApp.ConfigureEvents);
        var serializer = store.Options.Serializer();
        // Fifty values: the chance that a hash set iterates them in sorted order by luck is nil.
        var values = Enumerable.Range(0, 50).Select(i => $"contact-{(i * 37) % 50:D2}@example.test").ToList();
        var json = serializer.ToJson(new Holder([.. values]));

        var sorted = values.Order(StringComparer.Ordinal).ToList();
        Assert.Equal($"{{\"Emails\":[{string.Join(",", sorted.Select(v => $"\"{v}\""))}]}}", json);
        var read = serializer.FromJson<Holder>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.True(read.Emails.SetEquals(values));
        // Any order is accepted on reading, as documents stored before the converter hold.
        var reversed = $"{{\"Emails\":[{string.Join(",", sorted.AsEnumerable().Reverse().Select(v => $"\"{v}\""))}]}}";
        Assert.True(serializer.FromJson<Holder>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(reversed))).Emails.SetEquals(values));
    }
}
