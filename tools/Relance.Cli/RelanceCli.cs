using System.CommandLine;
using System.Net.Sockets;
using Npgsql;

namespace Relance.Cli;

/// <summary>
/// The <c>relance</c> command line. Each command is built by its own class (one per feature, as the services'
/// slices) and registered here. Tests call <see cref="RunAsync"/> in process with writers of their own.
/// </summary>
public static class RelanceCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellation = default)
    {
        var stores = new StoreOptionsSet();
        var root = new RootCommand("relance: replay, verify and export Relance's proof trail; rebuild its projections.");
        foreach (var option in stores.Options) root.Options.Add(option);

        var audit = new Command("audit", "The proof trail: timelines, past states, litigation files, tamper evidence.");
        var projections = new Command("projections", "The read models built from the events.");
        var privacy = new Command("privacy", "Personal data: erasure on request or after the limitation period.");
        var context = new CliContext(stores, output, error);
        foreach (var register in Commands) register(context, audit, projections, privacy);
        foreach (var group in new[] { audit, projections, privacy }.Where(g => g.Subcommands.Count > 0)) root.Subcommands.Add(group);

        var parsed = root.Parse(args);
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellation);
        }
        catch (CliException refused)
        {
            await error.WriteLineAsync($"relance: {refused.Message}");
            return 2;
        }
        // A database down, a wrong password, a missing database: one sentence, not a stack trace (Marten and
        // Npgsql wrap the cause, so it is looked for among the inner exceptions).
        catch (Exception failed) when (DatabaseCause(failed) is { } cause)
        {
            await error.WriteLineAsync($"relance: the database could not be used ({cause.Message.TrimEnd('.')}): check --invoice-db, --reminder-db, --correspondence-db or RELANCE_POSTGRES, and that PostgreSQL runs.");
            return 2;
        }
    }

    static Exception? DatabaseCause(Exception? failed)
    {
        for (var e = failed; e is not null; e = e.InnerException)
            if (e is NpgsqlException or SocketException) return e is NpgsqlException { InnerException: SocketException socket } ? socket : e;
        return null;
    }

    /// <summary>Every command of the tool: each adds itself to its group (audit, projections or privacy).</summary>
    static readonly Action<CliContext, Command, Command, Command>[] Commands =
    [
        Timeline.TimelineCommand.Register,
        AsOf.AsOfCommand.Register,
        Dossier.DossierCommand.Register,
        Verifying.VerifyCommand.Register,
        Erasing.EraseCommand.Register,
        Rebuilding.RebuildCommand.Register,
    ];
}

/// <summary>What every command is given: where the stores are, and where to write.</summary>
public sealed record CliContext(StoreOptionsSet Stores, TextWriter Output, TextWriter Error);
