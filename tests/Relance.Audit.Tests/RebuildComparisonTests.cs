using System.Collections.Immutable;
using Relance.Cli.Rebuilding;

namespace Relance.Audit.Tests;

[Trait("Category", "Unit")]
public sealed class RebuildComparisonTests
{
    sealed record Line(string Invoice, decimal Amount);

    sealed record Folder(
        string Id,
        string Status,
        ImmutableList<Line> Lines,
        ImmutableHashSet<string> Known,
        IReadOnlyDictionary<string, ImmutableHashSet<string>> Done,
        long Version);

    [Fact]
    public void The_same_content_with_keys_in_another_order_and_other_spacing_is_identical()
    {
        var comparison = DocumentComparison.Compare(
        [
            new DocumentPair("A", """{"Id":"A","Status":"open","Lines":[{"Invoice":"F-1","Amount":10.5}]}""",
                """{ "Lines": [ { "Amount": 10.5, "Invoice": "F-1" } ], "Status": "open", "Id": "A" }"""),
        ]);

        Assert.True(comparison.Matches);
        Assert.Equal(1, comparison.Identical);
    }

    [Fact]
    public void A_changed_value_is_reported_at_its_json_path_with_both_values()
    {
        var comparison = DocumentComparison.Compare(
        [
            new DocumentPair("ACME/C-1/EUR", """{"Id":"ACME/C-1/EUR","Lines":[{"Invoice":"F-1","Amount":10},{"Invoice":"F-2","Amount":99}]}""",
                """{"Id":"ACME/C-1/EUR","Lines":[{"Invoice":"F-1","Amount":10},{"Invoice":"F-2","Amount":20}]}"""),
        ], documentType: typeof(Folder));

        Assert.False(comparison.Matches);
        var changed = Assert.Single(comparison.Changed);
        Assert.Equal(("ACME/C-1/EUR", "$.Lines[1].Amount", "99", "20"), (changed.Id, changed.Path, changed.Stored, changed.Rebuilt));
        Assert.Equal(0, comparison.Identical);
    }

    [Fact]
    public void A_member_only_one_side_has_is_a_difference_at_that_member()
    {
        var storedOnly = DocumentComparison.Compare([new DocumentPair("A", """{"Id":"A","Note":"typed by hand"}""", """{"Id":"A"}""")]);
        var rebuiltOnly = DocumentComparison.Compare([new DocumentPair("A", """{"Id":"A"}""", """{"Id":"A","Note":null}""")]);

        Assert.Equal(("$.Note", "\"typed by hand\"", (string?)null), (storedOnly.Changed[0].Path, storedOnly.Changed[0].Stored, storedOnly.Changed[0].Rebuilt));
        Assert.Equal(("$.Note", (string?)null, "null"), (rebuiltOnly.Changed[0].Path, rebuiltOnly.Changed[0].Stored, rebuiltOnly.Changed[0].Rebuilt));
    }

    [Fact]
    public void An_array_that_grew_or_shrank_differs_at_the_first_index_one_side_lacks()
    {
        var comparison = DocumentComparison.Compare([new DocumentPair("A", """{"Lines":[1,2]}""", """{"Lines":[1,2,3]}""")]);
        Assert.Equal("$.Lines[2]", Assert.Single(comparison.Changed).Path);
    }

    [Fact]
    public void A_document_the_events_make_but_the_store_lacks_is_missing_and_one_no_event_makes_is_extra()
    {
        var comparison = DocumentComparison.Compare(
        [
            new DocumentPair("B", null, """{"Id":"B"}"""),
            new DocumentPair("Z", """{"Id":"Z"}""", null),
            new DocumentPair("A", null, """{"Id":"A"}"""),
        ], identicalAlready: 7);

        Assert.Equal(["A", "B"], comparison.Missing);
        Assert.Equal(["Z"], comparison.Extra);
        Assert.Empty(comparison.Changed);
        Assert.Equal(7, comparison.Identical);
        Assert.False(comparison.Matches);
    }

    [Fact]
    public void The_pairs_found_equal_elsewhere_count_as_identical_and_differences_come_sorted_by_id()
    {
        var comparison = DocumentComparison.Compare(
        [
            new DocumentPair("b", """{"S":"x"}""", """{"S":"y"}"""),
            new DocumentPair("a", """{"S":"x"}""", """{"S":"y"}"""),
            new DocumentPair("c", """{"S":"same"}""", """{"S":"same"}"""),
        ], identicalAlready: 40);

        Assert.Equal(["a", "b"], comparison.Changed.Select(c => c.Id));
        Assert.Equal(41, comparison.Identical);
    }

    [Fact]
    public void A_set_serialized_in_another_order_is_identical_when_the_document_type_says_it_is_a_set()
    {
        const string stored = """{"Id":"A","Known":["F-1","F-2","F-3"],"Done":{"F-1":["courtesy-1","courtesy-2"]}}""";
        const string rebuilt = """{"Id":"A","Known":["F-3","F-1","F-2"],"Done":{"F-1":["courtesy-2","courtesy-1"]}}""";

        Assert.True(DocumentComparison.Compare([new DocumentPair("A", stored, rebuilt)], documentType: typeof(Folder)).Matches);
        // Without the type nothing says these arrays are sets: their order counts.
        Assert.Equal("$.Known[0]", Assert.Single(DocumentComparison.Compare([new DocumentPair("A", stored, rebuilt)]).Changed).Path);
    }

    [Fact]
    public void A_set_with_other_elements_differs_at_the_set_and_a_list_in_another_order_differs_at_its_first_moved_item()
    {
        var set = DocumentComparison.Compare(
            [new DocumentPair("A", """{"Done":{"F-1":["courtesy-1"]}}""", """{"Done":{"F-1":["courtesy-1","courtesy-2"]}}""")], documentType: typeof(Folder));
        var list = DocumentComparison.Compare(
            [new DocumentPair("A", """{"Lines":[{"Invoice":"F-1"},{"Invoice":"F-2"}]}""", """{"Lines":[{"Invoice":"F-2"},{"Invoice":"F-1"}]}""")], documentType: typeof(Folder));

        Assert.Equal("$.Done.F-1", Assert.Single(set.Changed).Path);
        Assert.Equal("$.Lines[0].Invoice", Assert.Single(list.Changed).Path);
    }

    [Fact]
    public void A_value_of_another_kind_differs_where_the_kind_changed()
    {
        var comparison = DocumentComparison.Compare([new DocumentPair("A", """{"Status":{"Code":1}}""", """{"Status":"open"}""")], documentType: typeof(Folder));
        var changed = Assert.Single(comparison.Changed);
        Assert.Equal(("$.Status", """{"Code":1}""", "\"open\""), (changed.Path, changed.Stored, changed.Rebuilt));
    }

    [Fact]
    public void A_long_value_is_shortened_in_the_report()
    {
        var longText = new string('x', 500);
        var changed = Assert.Single(DocumentComparison.Compare([new DocumentPair("A", $$"""{"Note":"{{longText}}"}""", """{"Note":"short"}""")]).Changed);
        Assert.True(changed.Stored!.Length < 130);
        Assert.EndsWith("…", changed.Stored);
    }
}
