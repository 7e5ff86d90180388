using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Relance.ServiceDefaults.Serialization;

namespace Relance.ServiceDefaults;

public static class EventStore
{
    /// <summary>
    /// The service's own Marten store, with Relance's conventions: every event carries correlation, causation,
    /// user name and headers; projection and subscription errors stop the daemon instead of being skipped;
    /// the async daemon runs in the mode set by Marten:DaemonMode (Solo unless told otherwise, see
    /// deploy/local-feed/README.md) under a lock id of its own. The database is created when missing.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddRelanceEventStore(
        this WebApplicationBuilder builder, string serviceName, Action<StoreOptions> configure)
    {
        var connectionString = builder.Configuration.GetConnectionString("Marten")
            ?? throw new InvalidOperationException($"ConnectionStrings:Marten is not set for the {serviceName} service.");
        var daemonMode = builder.Configuration.GetValue("Marten:DaemonMode", DaemonMode.Solo);
        // On: subscriptions (what leaves the service) and async projections hear of a commit at once (PostgreSQL NOTIFY)
        // rather than at the daemon's next poll, up to a second later. Off by default: measured, the daemon then runs a
        // page per commit, and under load the services handle fewer messages (ingestion 112 against 171 invoices/s,
        // payment-stop at 1,000/s slower) for a lower latency at low volume (payment-stop p50 at 50/s 0.5 against 0.7 s).
        var wakeOnAppend = builder.Configuration.GetValue("Marten:WakeOnAppend", false);

        EnsureDatabaseExists(connectionString);

        return builder.Services.AddMarten(options =>
            {
                Configure(options, connectionString, serviceName, configure);
                options.Events.UseListenNotifyForEventAppends = wakeOnAppend;
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            .AddAsyncDaemon(daemonMode)
            .AddSubscriptionWithServices<Audit.Sealing.AuditSealer>(ServiceLifetime.Singleton, o => o.Name = Audit.Sealing.AuditSealer.SubscriptionName);
    }

    /// <summary>
    /// A service's store outside its host, configured exactly as the service configures it (schema, metadata, event
    /// types, projections) but with no subscriptions: for the audit tools (<c>relance</c>) that replay, verify and
    /// rebuild a service's events. Pass the service's own <c>ConfigureEvents</c>.
    /// </summary>
    public static DocumentStore OpenStore(string connectionString, string serviceName, Action<StoreOptions> configure) =>
        DocumentStore.For(options =>
        {
            Configure(options, connectionString, serviceName, configure);
            // The tools read what the services wrote; the services own the schema.
            options.AutoCreateSchemaObjects = AutoCreate.None;
        });

    static void Configure(StoreOptions options, string connectionString, string serviceName, Action<StoreOptions> configure)
    {
        options.Connection(WithLz4Compression(connectionString));
        options.DatabaseSchemaName = "relance";
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.UserNameEnabled = true;
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.Projections.DaemonLockId = StableLockId(serviceName);
        options.Projections.Errors.SkipApplyErrors = false;
        options.Projections.Errors.SkipSerializationErrors = false;
        options.Projections.Errors.SkipUnknownEvents = false;
        options.Projections.RebuildErrors.SkipApplyErrors = false;
        options.Projections.RebuildErrors.SkipSerializationErrors = false;
        options.Projections.RebuildErrors.SkipUnknownEvents = false;
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        configure(options);
        // Sets written in one order whatever the process (see OrderedStringSetConverter).
        if (options.Serializer() is not SystemTextJsonSerializer json)
            throw new InvalidOperationException($"Marten's serializer is {options.Serializer().GetType().Name}: the stores expect System.Text.Json.");
        json.Configure(o => o.Converters.Add(new OrderedStringSetConverter()));
    }

    // The documents (a dunning case is about 10 KB of JSON) are compressed by PostgreSQL when written: with lz4 instead
    // of the server's default pglz, writing and reading them costs about a third less of the database's time (the
    // dunning run rewrites one per case). Values already stored keep their compression and read as before. An
    // operator's own options in the connection string come first; a server built without lz4 refuses to connect.
    static string WithLz4Compression(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("default_toast_compression", StringComparison.Ordinal) != true)
            builder.Options = $"{builder.Options} -c default_toast_compression=lz4".Trim();
        return builder.ConnectionString;
    }

    /// <summary>Sets the metadata that makes an appended event a proof: who asked, and which message caused it.</summary>
    public static void Attribute(this IDocumentSession session, string actor, string? correlationId, string? causationId)
    {
        session.LastModifiedBy = actor;
        session.CorrelationId = correlationId;
        session.CausationId = causationId;
    }

    // Marten's advisory-lock id must differ between services sharing a PostgreSQL server.
    static int StableLockId(string serviceName) =>
        serviceName.Aggregate(17_000, (hash, c) => unchecked(hash * 31 + c)) & 0x7FFFFFFF;

    static void EnsureDatabaseExists(string connectionString)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        connection.Open();
        using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.AddWithValue(target.Database ?? throw new InvalidOperationException("The Marten connection string names no database."));
        if (exists.ExecuteScalar() is not null) return;
        using var create = new NpgsqlCommand($"CREATE DATABASE \"{target.Database.Replace("\"", "\"\"")}\"", connection);
        try { create.ExecuteNonQuery(); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase) { }
    }
}

public static class Deciding
{
    /// <summary>
    /// The write path of every command: fetch the stream for writing (optimistic concurrency on its version),
    /// decide on the current state, append what was decided, commit. Returns the events (none for a no-op).
    /// </summary>
    public static async Task<IReadOnlyList<object>> DecideAsync<TState>(
        this IDocumentSession session, string streamKey, Func<TState?, IReadOnlyList<object>> decide, CancellationToken cancellation)
        where TState : class
    {
        var events = await session.AppendDecisionAsync(streamKey, decide, cancellation);
        if (events.Count > 0) await session.SaveChangesAsync(cancellation);
        return events;
    }

    /// <summary>
    /// As <see cref="DecideAsync{TState}(IDocumentSession, string, Func{TState, IReadOnlyList{object}}, CancellationToken)"/>,
    /// for a person's decision on what they saw: only if the stream is still at <paramref name="expectedVersion"/> (from
    /// If-Match). Marten throws a <see cref="JasperFx.ConcurrencyException"/> when it moved on, at the fetch or at the
    /// commit; the HTTP pipeline answers it with 412. The stream's new version is expectedVersion + the events' count.
    /// </summary>
    public static async Task<IReadOnlyList<object>> DecideAsync<TState>(
        this IDocumentSession session, string streamKey, long expectedVersion, Func<TState?, IReadOnlyList<object>> decide, CancellationToken cancellation)
        where TState : class
    {
        var stream = await session.Events.FetchForWriting<TState>(streamKey, expectedVersion, cancellation);
        var events = decide(stream.Aggregate);
        if (events.Count == 0) return events;
        stream.AppendMany(events);
        await session.SaveChangesAsync(cancellation);
        return events;
    }

    /// <summary>As the first <c>DecideAsync</c>, without committing: for a message that changes several streams at once.</summary>
    public static async Task<IReadOnlyList<object>> AppendDecisionAsync<TState>(
        this IDocumentSession session, string streamKey, Func<TState?, IReadOnlyList<object>> decide, CancellationToken cancellation)
        where TState : class
    {
        var stream = await session.Events.FetchForWriting<TState>(streamKey, cancellation);
        var events = decide(stream.Aggregate);
        if (events.Count > 0) stream.AppendMany(events);
        return events;
    }
}
