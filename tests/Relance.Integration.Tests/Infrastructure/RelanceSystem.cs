using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Relance.CorrespondenceService;
using Relance.InvoiceService;
using Relance.ReminderService;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests.Infrastructure;

public enum Service { Invoice, Reminder, Correspondence }

/// <summary>
/// Relance's services hosted for real, in this process: each its own ASP.NET Core host on a free loopback
/// port with its own PostgreSQL database, all on a RabbitMQ virtual host of their own, sharing one
/// controllable clock. Disposing stops them and drops their databases and virtual host.
/// </summary>
public sealed class RelanceSystem : IAsyncDisposable
{
    readonly TestInfrastructure _infrastructure;
    readonly string _id = Guid.NewGuid().ToString("N")[..10];
    readonly Dictionary<Service, WebApplication> _apps = [];
    readonly Dictionary<Service, HttpClient> _clients = [];
    readonly List<(WebApplication App, HttpClient Client)> _extras = [];
    readonly Dictionary<(Service, string), HttpClient> _users = [];
    readonly HashSet<Service> _databases = [];
    readonly HashSet<Service> _services = [];

    RelanceSystem(TestInfrastructure infrastructure, DateTimeOffset start)
    {
        _infrastructure = infrastructure;
        Clock = new FakeTimeProvider(start);
        VirtualHost = $"relance-test-{_id}";
    }

    public FakeTimeProvider Clock { get; }
    public string VirtualHost { get; }
    public Uri RabbitMq => new($"{_infrastructure.RabbitMq.GetLeftPart(UriPartial.Authority)}/{VirtualHost}");
    /// <summary>Where the Correspondence service hands letters over (Correspondence:Postal:Folder), new for each system.</summary>
    public string PostalFolder => Path.Combine(Path.GetTempPath(), $"relance-test-postal-{_id}");

    /// <summary>An ERP on the broker, when the Invoice service runs.</summary>
    public ErpClient Erp { get; private set; } = null!;

    /// <summary>The shared secret this system's services check tokens with (Auth:SigningKey), new for each system.</summary>
    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    /// <summary>An anonymous client: for health, the OpenAPI document, and what the API refuses to strangers.</summary>
    public HttpClient Http(Service service) => _clients[service];

    /// <summary>
    /// A client signed in as <paramref name="user"/> with these roles (<see cref="RelanceRoles"/>), for one company or
    /// "*" (all). The same arguments give the same client, pointing at the service's current instance.
    /// </summary>
    public HttpClient AsUser(Service service, string user, string[] roles, string company = "*")
    {
        var key = (service, $"{user}|{string.Join(",", roles)}|{company}");
        var address = _clients[service].BaseAddress;
        if (_users.TryGetValue(key, out var known) && known.BaseAddress == address) return known;
        known?.Dispose();
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(user, roles, company));
        return _users[key] = client;
    }

    /// <summary>A token as this system's services accept it; lifetime and issue time can be bent to test refusals.</summary>
    public string Token(string user, string[] roles, string company = "*", TimeSpan? lifetime = null, DateTimeOffset? issuedAt = null) =>
        DevTokens.Create(SigningKey, AuthSettings.DefaultIssuer, AuthSettings.DefaultAudience, user, roles, [company], lifetime ?? TimeSpan.FromHours(2), issuedAt);
    public IServiceProvider Services(Service service) => _apps[service].Services;

    public static async Task<RelanceSystem> StartAsync(TestInfrastructure infrastructure, DateTimeOffset start, params Service[] services)
    {
        var system = new RelanceSystem(infrastructure, start);
        try
        {
            await system.CreateVirtualHost();
            system._services.UnionWith(services);
            foreach (var service in services) await system.Start(service);
            // The ERP's exchanges are the Invoice service's: without it there is no ERP to play.
            if (services.Contains(Service.Invoice)) system.Erp = await ErpClient.ConnectAsync(system.RabbitMq);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops a service and starts it again on the same database and broker, as after a crash: whatever it had
    /// not done (a paused daemon's work) is left to the new instance. Its broker connection is closed (as a
    /// dead process's would be) and its database sessions ended.
    /// </summary>
    public async Task RestartAsync(Service service, params string[] extraArgs)
    {
        var app = _apps[service];
        // A restart stands for a crash: no waiting for work in flight (a send held up by a test's server would keep a
        // graceful stop waiting for the whole shutdown timeout).
        using (var abrupt = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
            await app.StopAsync(abrupt.Token);
        await app.DisposeAsync();
        _clients[service].Dispose();
        // A dead process's connections drop, and with them its advisory locks: end the ones its pools kept open.
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_infrastructure.Postgres) { Database = "postgres" }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var terminate = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", connection)
            {
                Parameters = { new() { Value = Database(service) } },
            };
            await terminate.ExecuteScalarAsync();
        }
        NpgsqlConnection.ClearAllPools();
        await Start(service, extraArgs);
    }

    /// <summary>Another instance of a service on the same database and broker (e.g. a second scheduler).</summary>
    public async Task<(IServiceProvider Services, HttpClient Http)> StartInstanceAsync(Service service, params string[] extraArgs)
    {
        var (app, client) = await Launch(service, extraArgs);
        _extras.Add((app, client));
        return (app.Services, client);
    }

    async Task Start(Service service, params string[] extraArgs)
    {
        var (app, client) = await Launch(service, extraArgs);
        _apps[service] = app;
        _clients[service] = client;
    }

    async Task<(WebApplication App, HttpClient Client)> Launch(Service service, string[] extraArgs)
    {
        _databases.Add(service);
        var database = Database(service);
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--ConnectionStrings:Marten={new NpgsqlConnectionStringBuilder(_infrastructure.Postgres) { Database = database }}",
            $"--ConnectionStrings:RabbitMq={RabbitMq}",
            $"--Auth:SigningKey={SigningKey}",
            $"--Smtp:Host={_infrastructure.SmtpHost}",
            $"--Smtp:Port={_infrastructure.SmtpPort}",
            "--Reminder:Scheduler:PollInterval=00:00:01",
            "--Correspondence:Sender:Companies:ACME=ACME SAS",
            // A formal notice names the creditor's postal address: without one it is refused.
            "--Correspondence:Sender:Addresses:ACME:0=1 place de l'Exemple",
            "--Correspondence:Sender:Addresses:ACME:1=69002 Lyon",
            $"--Correspondence:Postal:Folder={PostalFolder}",
            // The test's document servers listen on 127.0.0.1, which documents are not fetched from by default.
            "--Correspondence:Documents:AllowPrivateNetworks=true",
            // The Reminder's audit API reads the other two stores directly (timelines).
            $"--Audit:Stores:Invoice={ConnectionString(Service.Invoice)}",
            $"--Audit:Stores:Correspondence={ConnectionString(Service.Correspondence)}",
            "--Serilog:MinimumLevel:Default=Warning",
            // Without an Invoice service in this system, the Correspondence service's last look would wait for its
            // timeout before every send: not asked (tests that want it bring the Invoice service, or set it).
            .. service == Service.Correspondence && !_services.Contains(Service.Invoice) ? ["--Correspondence:LastLook:Enabled=false"] : Array.Empty<string>(),
            // A service answers "not ready" while it starts: expected here, not worth a log line.
            "--Serilog:MinimumLevel:Override:Microsoft.Extensions.Diagnostics.HealthChecks=Fatal",
            // Marten logs each optimistic-concurrency conflict it throws; the code that catches them logs what it does about them.
            "--Serilog:MinimumLevel:Override:Marten.IDocumentStore=Fatal",
            .. extraArgs,
        ];
        Action<WebApplicationBuilder> useTestClock = builder => builder.Services.AddSingleton<TimeProvider>(Clock);
        var app = service switch
        {
            Service.Invoice => InvoiceApp.Build(args, useTestClock),
            Service.Reminder => ReminderApp.Build(args, useTestClock),
            _ => CorrespondenceApp.Build(args, useTestClock),
        };
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        await Eventually.Until(async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60), $"{service} service ready");
        return (app, client);
    }

    /// <summary>The connection string of a service's database in this system (for the relance tool and direct SQL).</summary>
    public string ConnectionString(Service service) => new NpgsqlConnectionStringBuilder(_infrastructure.Postgres) { Database = Database(service) }.ConnectionString;

    string Database(Service service) => $"relance_test_{_id}_{service.ToString().ToLowerInvariant()}";

    async Task CreateVirtualHost()
    {
        using var management = _infrastructure.Management();
        var vhost = Uri.EscapeDataString(VirtualHost);
        (await management.PutAsync($"api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
        var user = Uri.UnescapeDataString(_infrastructure.RabbitMqManagement.UserInfo).Split(':')[0];
        (await management.PutAsJsonAsync($"api/permissions/{vhost}/{Uri.EscapeDataString(user)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
    }

    /// <summary>Moves the shared clock forward in small steps, so that every scheduler tick in between fires.</summary>
    public void Advance(TimeSpan by) => Clock.Advance(by);

    public async ValueTask DisposeAsync()
    {
        if (Erp is not null) await Erp.DisposeAsync();
        foreach (var app in _apps.Values)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        foreach (var (extra, _) in _extras)
        {
            await extra.StopAsync();
            await extra.DisposeAsync();
        }
        foreach (var client in _clients.Values.Concat(_extras.Select(e => e.Client)).Concat(_users.Values)) client.Dispose();

        using (var management = _infrastructure.Management())
            await management.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(VirtualHost)}");
        if (Directory.Exists(PostalFolder)) Directory.Delete(PostalFolder, recursive: true);

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_infrastructure.Postgres) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync();
        foreach (var service in _databases)
            await Drop(Database(service), connection);
    }

    // Cleaning up must not fail a test: an autovacuum worker (a superuser process the test role may not
    // end) can hold the database for a moment; try again, then leave it to the next clean-up.
    static async Task Drop(string database, NpgsqlConnection connection)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (attempt < 5)
            {
                Console.WriteLine($"[tests] dropping {database}: {e.MessageText}; trying again");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch (PostgresException e)
            {
                Console.WriteLine($"[tests] left {database} behind: {e.MessageText}");
                return;
            }
        }
    }
}
