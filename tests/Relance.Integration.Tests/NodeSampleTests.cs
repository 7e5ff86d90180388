using Relance.Testing;
using System.Diagnostics;
using Relance.Integration.Tests.Infrastructure;

namespace Relance.Integration.Tests;

/// <summary>
/// samples/node-erp, written from contracts/README.md alone, integrates with the real Invoice service: the
/// contract is usable without .NET.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class NodeSampleTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    RelanceSystem _system = null!;

    public async Task InitializeAsync() =>
        _system = await RelanceSystem.StartAsync(infrastructure, DateTimeOffset.UtcNow, Service.Invoice);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task The_nodejs_sample_erp_publishes_and_reads_every_answer()
    {
        var sample = Path.Combine(Repository.Root(), "samples", "node-erp");
        if (!Directory.Exists(Path.Combine(sample, "node_modules")))
            Assert.Equal(0, (await Run("npm", "ci --no-audit --no-fund --loglevel=error", sample, [])).ExitCode);

        var (exitCode, output) = await Run("node", "erp-sample.mjs", sample, new() { ["RELANCE_RABBITMQ"] = _system.RabbitMq.ToString() });

        Assert.True(exitCode == 0, $"the sample failed:\n{output}");
        Assert.Equal(4, output.Split('\n').Count(line => line.StartsWith("ok - ")));
    }

    static async Task<(int ExitCode, string Output)> Run(string command, string arguments, string directory, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start: is Node.js installed?");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}
