using Relance.Cli;

namespace Relance.Audit.Tests.Sealing;

/// <summary>What the verify and erase commands refuse before touching a database.</summary>
[Trait("Category", "Unit")]
public sealed class AuditCommandLineTests
{
    static async Task<(int Exit, string Error)> Run(params string[] args)
    {
        var error = new StringWriter();
        var exit = await RelanceCli.RunAsync([.. args, "--reminder-db", "Host=relance.invalid;Database=none", "--invoice-db", "Host=relance.invalid",
            "--correspondence-db", "Host=relance.invalid"], new StringWriter(), error);
        return (exit, error.ToString());
    }

    [Theory]
    [InlineData("29:abc")]
    [InlineData("head:655c79eea512afc2ce90c1c494c0c809ef7e5ef1a95df667e2a7ef536a683a93")]
    public async Task An_expected_head_is_a_sequence_and_a_hash_as_verify_prints_it(string head)
    {
        var (exit, error) = await Run("audit", "verify", "--service", "reminder", "--expect-head", head);
        Assert.Equal(2, exit);
        Assert.Contains("--expect-head takes <sequence>:<64 hex digits>", error);
    }

    [Fact]
    public async Task An_expected_head_belongs_to_one_store()
    {
        var (exit, error) = await Run("audit", "verify", "--expect-head", "29:655c79eea512afc2ce90c1c494c0c809ef7e5ef1a95df667e2a7ef536a683a93");
        Assert.Equal(2, exit);
        Assert.Contains("give --service too", error);
    }

    [Fact]
    public async Task A_stream_head_is_compared_only_with_a_verify_of_a_stream()
    {
        const string hash = "655c79eea512afc2ce90c1c494c0c809ef7e5ef1a95df667e2a7ef536a683a93";
        var (exit, error) = await Run("audit", "verify", "--service", "reminder", "--expect-head", $"stream:29:{hash}");
        Assert.Equal(2, exit);
        Assert.Contains("give the same --stream", error);
        (exit, error) = await Run("audit", "verify", "--service", "reminder", "--stream", "ACME/C-1/EUR", "--expect-head", $"29:{hash}");
        Assert.Equal(2, exit);
        Assert.Contains("is a store's head", error);
    }

    [Fact]
    public async Task An_unknown_service_is_refused()
    {
        var (exit, error) = await Run("audit", "verify", "--service", "billing");
        Assert.NotEqual(0, exit);
        Assert.Contains("billing", error);
    }

    [Fact]
    public async Task An_erasure_says_why()
    {
        var (exit, error) = await Run("privacy", "erase", "--company", "ACME", "--customer", "C-1");
        Assert.NotEqual(0, exit);
        Assert.Contains("--reason", error);
    }
}
