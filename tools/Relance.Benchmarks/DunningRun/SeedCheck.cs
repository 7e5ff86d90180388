using Marten;
using Relance.ReminderService.DunningCases;

namespace Relance.Benchmarks.DunningRun;

/// <summary>
/// Reads a sample of the seeded cases back through Marten: each stream must replay, through the service's own
/// projection, into exactly the document stored for it, at the stream's version. Catches a seeding that wrote rows
/// Marten would not have written (a type name, a serialization, a version).
/// </summary>
public static class SeedCheck
{
    public static async Task<IReadOnlyList<string>> ProblemsAsync(IDocumentStore store, BenchmarkCases cases, int customers, int sample = 200)
    {
        var serializer = store.Options.Serializer();
        var problems = new List<string>();
        await using var query = store.QuerySession();
        var step = Math.Max(1, customers / sample);
        for (var c = 0; c < customers; c += step)
            foreach (var customer in new[] { c, c + 1 }.Where(i => i < customers))
            {
                var id = cases.Case(customer).Id;
                var stored = await query.LoadAsync<DunningCase>(id);
                var replayed = await query.Events.AggregateStreamAsync<DunningCase>(id);
                var stream = await query.Events.FetchStreamStateAsync(id);
                if (stored is null || replayed is null || stream is null) problems.Add($"{id}: missing (document {stored is not null}, stream {stream is not null})");
                else if (serializer.ToJson(stored) != serializer.ToJson(replayed)) problems.Add($"{id}: the stored document differs from its stream's replay");
                else if (stored.Version != stream.Version) problems.Add($"{id}: document at version {stored.Version}, stream at {stream.Version}");
            }
        return problems;
    }
}
