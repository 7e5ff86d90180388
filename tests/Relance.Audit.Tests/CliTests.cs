using Relance.Cli;

namespace Relance.Audit.Tests;

[Trait("Category", "Unit")]
public sealed class CliTests
{
    [Fact]
    public async Task An_unknown_command_is_refused_with_a_non_zero_exit_code_and_the_reason()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await RelanceCli.RunAsync(["no-such-command"], output, error);
        Assert.NotEqual(0, exit);
        Assert.Contains("no-such-command", error.ToString());
    }
}
