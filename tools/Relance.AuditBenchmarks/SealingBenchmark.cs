using System.Diagnostics;
using System.Globalization;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Relance.ReminderService.DunningCases;
using Relance.ServiceDefaults.Audit.Sealing;
using Relance.ServiceDefaults.Audit.Verifying;

namespace Relance.AuditBenchmarks;

/// <summary>
/// <c>seal-verify [--cases 200] [--events-per-case 50]</c>: how fast events are sealed (pages of 500, as the daemon hands
/// them) and verified, on a scratch database of $RELANCE_POSTGRES filled with dunning cases whose events carry personal data.
/// </summary>
public static class SealingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var cases = Option(args, "--cases", 200);
        var perCase = Option(args, "--events-per-case", 50);
        var server = Environment.GetEnvironmentVariable("RELANCE_POSTGRES")
            ?? throw new InvalidOperationException("Set RELANCE_POSTGRES (source .relance/env).");
        var database = $"relance_bench_seal_{Guid.NewGuid():N}"[..32];
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        await ExecuteAsync(server, $"CREATE DATABASE {database}");
        try
        {
            var total = await FillAsync(connectionString, cases, perCase);
            var sealer = new AuditSealer(new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Marten", connectionString)]).Build());
            var watch = Stopwatch.StartNew();
            for (long floor = 0; floor < total; floor += 500)
                await sealer.ProcessEventsAsync(new EventRange(new ShardName(AuditSealer.SubscriptionName), floor, Math.Min(floor + 500, total), null!), null!, null!, CancellationToken.None);
            var sealing = watch.Elapsed;
            var timings = new List<TimeSpan>();
            StoreVerification? report = null;
            for (var run = 0; run < 5; run++)
            {
                report = await SealVerifier.VerifyAsync("reminder", connectionString, null, null, CancellationToken.None);
                timings.Add(report.Elapsed);
            }
            if (!report!.Clean || report.Sealed != total) throw new InvalidOperationException($"verify: {report.Sealed}/{total} sealed, {report.Problems.Count} problems");
            var verify = timings.Order().ElementAt(timings.Count / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{total} events ({cases} cases × {perCase}): sealed in {sealing.TotalSeconds:0.00} s ({total / sealing.TotalSeconds:0} events/s); verified in {verify.TotalSeconds:0.00} s ({total / verify.TotalSeconds:0} events/s, median of 5)"));
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    static async Task<long> FillAsync(string connectionString, int cases, int perCase)
    {
        using var store = DocumentStore.For(o =>
        {
            o.Connection(connectionString);
            o.DatabaseSchemaName = "relance";
            o.Events.StreamIdentity = StreamIdentity.AsString;
            o.Events.MetadataConfig.CorrelationIdEnabled = o.Events.MetadataConfig.CausationIdEnabled = true;
            o.Events.MetadataConfig.UserNameEnabled = o.Events.MetadataConfig.HeadersEnabled = true;
            o.AutoCreateSchemaObjects = AutoCreate.All;
        });
        var at = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        for (var batch = 0; batch < cases; batch += 20)
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = "system:benchmark";
            session.CorrelationId = Guid.NewGuid().ToString();
            foreach (var c in Enumerable.Range(batch, Math.Min(20, cases - batch)))
            {
                var customer = new CaseCustomer($"C-{c}", $"Client {c} SAS", $"factures.{c}@client.test")
                {
                    Contacts = [new CaseContact("billing", $"Contact {c}", $"factures.{c}@client.test", "+33472000001")],
                    PostalAddress = new CasePostalAddress([$"{c} rue des Lilas"], "69003", "Lyon", "FR"),
                };
                var recipient = new ActionRecipient(customer.CustomerId, customer.Name, $"Contact {c}", customer.Email, "+33472000001", customer.PostalAddress, null, "billing");
                var events = new List<object> { new DunningCaseOpened($"ACME/C-{c}/EUR", "ACME", customer, "EUR", at) };
                for (var i = 1; events.Count < perCase; i++)
                {
                    var reminder = Guid.NewGuid();
                    events.Add(new ReminderRequested(reminder, Guid.NewGuid(), "reminder", 1, "email", recipient, [], "due", at.AddDays(i), at.AddDays(i + 7)));
                    if (events.Count < perCase) events.Add(new ReminderSent(reminder, "email", customer.Email, at.AddDays(i), "c0ffee"));
                    if (events.Count < perCase) events.Add(new CaseNoteAdded(Guid.NewGuid(), "called, no answer", "user:carla@acme.test", at.AddDays(i)));
                }
                session.Events.StartStream($"ACME/C-{c}/EUR", events);
            }
            await session.SaveChangesAsync();
        }
        return (long)cases * perCase;
    }

    static int Option(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
