using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relance.Cli.Rebuilding;

/// <summary>
/// <c>relance projections rebuild [--service invoice|reminder|correspondence] [--projection name] [--check] [--json]</c>:
/// rebuilds each service's projections from its events and reports whether the stored documents matched.
/// Exit 0: every projection matched its events. 1: some document differed (with --check: nothing was touched; without:
/// the rebuild replaced it, and the report says what the store held). 2: the command could not run.
/// </summary>
public static class RebuildCommand
{
    static readonly string[] Services = ["invoice", "reminder", "correspondence"];

    public static void Register(CliContext context, Command audit, Command projections, Command privacy)
    {
        var service = new Option<string?>("--service") { Description = "Only this service's store (default: all three)" };
        service.AcceptOnlyFromAmong(Services);
        var projection = new Option<string?>("--projection") { Description = "Only this projection (its name, its class or its document type, e.g. DunningCase)" };
        var check = new Option<bool>("--check", "--dry-run")
        {
            Description = "Rebuild into temporary tables and compare, replacing nothing: the audit question \"do the projections still match the events?\" (safe while the services run)",
        };
        var json = new Option<bool>("--json") { Description = "The report as JSON" };
        var command = new Command("rebuild", "Rebuild every projection from its events and report whether the stored documents matched.")
        {
            service, projection, check, json,
        };
        command.SetAction(async (parsed, cancellation) =>
        {
            var mode = parsed.GetValue(check) ? RebuildMode.Check : RebuildMode.Replace;
            var report = await RunAsync(context.Stores, parsed, parsed.GetValue(service), parsed.GetValue(projection), mode, cancellation);
            await context.Output.WriteAsync(parsed.GetValue(json) ? Json(report) : RebuildText.Render(report));
            return report.Matches ? 0 : 1;
        });
        projections.Subcommands.Add(command);
    }

    public static async Task<RebuildReport> RunAsync(StoreOptionsSet stores, ParseResult parsed, string? service, string? projection, RebuildMode mode, CancellationToken cancellation)
    {
        var reports = new List<StoreRebuildReport>();
        var found = false;
        foreach (var name in Enum.GetValues<StoreName>().Where(s => service is null || s.ToString().Equals(service, StringComparison.OrdinalIgnoreCase)))
        {
            await using var store = stores.Open(parsed, name);
            var chosen = ProjectionReplayer.For(store).Where(p => projection is null || Named(p, projection)).ToList();
            if (chosen.Count == 0) continue;
            found = true;
            var rebuild = new StoreRebuild(store, stores.ConnectionString(parsed, name), name.ToString().ToLowerInvariant(), chosen);
            reports.Add(await rebuild.RunAsync(mode, cancellation));
        }
        if (!found) throw new CliException($"no projection named {projection} in {service ?? "any"} store.");
        return new RebuildReport(mode, reports);
    }

    static bool Named(ProjectionReplayer projection, string name) =>
        new[] { projection.Name, projection.DocumentType.Name, projection.DocumentType.Name + "Projection" }
            .Any(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));

    static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    static string Json(RebuildReport report) => JsonSerializer.Serialize(report, JsonOptions) + Environment.NewLine;
}

public sealed record RebuildReport(RebuildMode Mode, IReadOnlyList<StoreRebuildReport> Stores)
{
    public bool Matches => Stores.All(s => s.Matches);
}
