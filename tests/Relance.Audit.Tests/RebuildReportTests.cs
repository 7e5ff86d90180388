using Relance.Cli.Rebuilding;

namespace Relance.Audit.Tests;

[Trait("Category", "Unit")]
public sealed class RebuildReportTests
{
    static ProjectionRebuildReport Projection(string name, ProjectionComparison comparison) =>
        new(name, $"relance.mt_doc_{name.ToLowerInvariant()}", 3, 3, 30, 0.5, comparison);

    static readonly ProjectionComparison Matching = new(3, [], [], []);

    [Fact]
    public void A_report_matches_only_when_every_projection_of_every_store_matches()
    {
        var changed = new ProjectionComparison(2, [new ChangedDocument("ACME/C-1/EUR", "$.Status", "\"closed\"", "\"open\"")], [], []);
        var good = new RebuildReport(RebuildMode.Check, [new StoreRebuildReport("reminder", 3, 30, 1, [Projection("DunningCase", Matching)])]);
        var bad = new RebuildReport(RebuildMode.Check,
        [
            new StoreRebuildReport("invoice", 3, 30, 1, [Projection("Invoice", Matching)]),
            new StoreRebuildReport("reminder", 3, 30, 1, [Projection("DunningCase", Matching), Projection("PublishedPlan", changed)]),
        ]);

        Assert.True(good.Matches);
        Assert.False(bad.Matches);
        Assert.Equal(30, good.Stores[0].EventsPerSecond);
        Assert.Equal(6, good.Stores[0].Projections[0].DocumentsPerSecond);
    }

    [Fact]
    public void The_text_names_each_difference_and_says_whether_anything_was_replaced()
    {
        var comparison = new ProjectionComparison(1, [new ChangedDocument("ACME/C-1/EUR", "$.Status", "\"closed\"", "\"open\"")], ["ACME/C-2/EUR"], ["ACME/C-9/EUR"]);
        var report = new StoreRebuildReport("reminder", 3, 30, 1, [Projection("DunningCase", comparison)]);

        var check = RebuildText.Render(new RebuildReport(RebuildMode.Check, [report]));
        var replace = RebuildText.Render(new RebuildReport(RebuildMode.Replace, [report]));

        Assert.Contains("DIFF DunningCase", check);
        Assert.Contains("changed ACME/C-1/EUR at $.Status: stored \"closed\", rebuilt \"open\"", check);
        Assert.Contains("missing ACME/C-2/EUR", check);
        Assert.Contains("extra   ACME/C-9/EUR", check);
        Assert.Contains("nothing was changed", check);
        Assert.Contains("they are now rebuilt from the events", replace);
    }

    [Fact]
    public void The_text_shows_twenty_differences_and_counts_the_rest()
    {
        var many = Enumerable.Range(0, 25).Select(i => new ChangedDocument($"C-{i:00}", "$.Status", "1", "2")).ToList();
        var text = RebuildText.Render(new RebuildReport(RebuildMode.Check,
            [new StoreRebuildReport("reminder", 25, 25, 1, [Projection("DunningCase", new ProjectionComparison(0, many, [], []))])]));

        Assert.Contains("changed C-19", text);
        Assert.DoesNotContain("changed C-20", text);
        Assert.Contains("and 5 more", text);
    }
}
