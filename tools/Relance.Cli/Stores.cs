using System.CommandLine;
using Marten;
using Npgsql;
using Relance.CorrespondenceService;
using Relance.InvoiceService;
using Relance.ReminderService;
using Relance.ServiceDefaults;

namespace Relance.Cli;

/// <summary>The three services' databases, as the tool is told where they are.</summary>
public enum StoreName { Invoice, Reminder, Correspondence }

/// <summary>
/// Where each service's event store is: <c>--invoice-db</c>, <c>--reminder-db</c>, <c>--correspondence-db</c>
/// (connection strings), else the environment variables <c>RELANCE_INVOICE_DB</c>, <c>RELANCE_REMINDER_DB</c>,
/// <c>RELANCE_CORRESPONDENCE_DB</c>, else <c>RELANCE_POSTGRES</c> (the server, as deploy/infra.sh writes it) with
/// the databases deploy/up.sh uses (relance_invoice, relance_reminder, relance_correspondence).
/// </summary>
public sealed class StoreOptionsSet
{
    readonly Dictionary<StoreName, Option<string?>> _options = Enum.GetValues<StoreName>().ToDictionary(s => s, s =>
        new Option<string?>($"--{s.ToString().ToLowerInvariant()}-db")
        {
            Description = $"Connection string of the {s} service's database (default: ${EnvironmentVariable(s)}, else $RELANCE_POSTGRES with database relance_{s.ToString().ToLowerInvariant()})",
            Recursive = true,
        });

    public IEnumerable<Option> Options => _options.Values;

    static string EnvironmentVariable(StoreName store) => $"RELANCE_{store.ToString().ToUpperInvariant()}_DB";

    /// <summary>The connection string for a store, or a clear error naming the three ways to give it.</summary>
    public string ConnectionString(ParseResult parsed, StoreName store)
    {
        if (parsed.GetValue(_options[store]) is { Length: > 0 } given) return given;
        if (Environment.GetEnvironmentVariable(EnvironmentVariable(store)) is { Length: > 0 } fromEnvironment) return fromEnvironment;
        if (Environment.GetEnvironmentVariable("RELANCE_POSTGRES") is { Length: > 0 } server)
            return new NpgsqlConnectionStringBuilder(server) { Database = $"relance_{store.ToString().ToLowerInvariant()}" }.ConnectionString;
        throw new CliException($"Where is the {store} service's database? Give --{store.ToString().ToLowerInvariant()}-db, or set {EnvironmentVariable(store)} or RELANCE_POSTGRES.");
    }

    /// <summary>The store configured as its service configures it, for reading and rebuilding (never creating its schema).</summary>
    public DocumentStore Open(ParseResult parsed, StoreName store) => store switch
    {
        StoreName.Invoice => EventStore.OpenStore(ConnectionString(parsed, store), InvoiceApp.Name, InvoiceApp.ConfigureEvents),
        StoreName.Reminder => EventStore.OpenStore(ConnectionString(parsed, store), ReminderApp.Name, ReminderApp.ConfigureEvents),
        _ => EventStore.OpenStore(ConnectionString(parsed, store), CorrespondenceApp.Name, CorrespondenceApp.ConfigureEvents),
    };
}

/// <summary>A refusal the tool explains in one line (exit code 2), rather than with a stack trace.</summary>
public sealed class CliException(string message) : Exception(message);
