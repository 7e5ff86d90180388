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

    [Fact]
    public async Task A_database_that_cannot_be_reached_is_a_refusal_in_one_sentence_not_a_stack_trace()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        var exit = await RelanceCli.RunAsync(
            ["audit", "verify", "--service", "reminder", "--reminder-db", "Host=127.0.0.1;Port=1;Username=relance;Password=x;Database=relance_reminder;Timeout=3"],
            output, error);
        Assert.Equal(2, exit);
        Assert.StartsWith("relance: the database could not be used (", error.ToString());
        Assert.Contains("--reminder-db", error.ToString());
        Assert.DoesNotContain("   at ", error.ToString());
    }
}
