using Relance.ServiceDefaults.Audit.Sealing;

namespace Relance.Audit.Tests.Sealing;

/// <summary>The sequence numbers a sealer's page remembers as gaps, to seal what a late commit puts there.</summary>
[Trait("Category", "Unit")]
public sealed class SealGapsTests
{
    [Fact]
    public void The_numbers_of_the_range_with_no_row_are_gaps() =>
        Assert.Equal([11, 14, 15], SealGaps.Missing(10, 16, [12, 13, 16]));

    [Fact]
    public void The_floor_is_outside_the_range_and_the_ceiling_inside() =>
        Assert.Equal([20], SealGaps.Missing(10, 20, [10, .. Enumerable.Range(11, 9).Select(i => (long)i)]));

    [Fact]
    public void A_full_page_or_an_empty_range_has_none()
    {
        Assert.Empty(SealGaps.Missing(0, 3, [1, 2, 3]));
        Assert.Empty(SealGaps.Missing(5, 5, []));
    }
}
