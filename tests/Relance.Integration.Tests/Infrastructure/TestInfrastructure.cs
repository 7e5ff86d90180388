using System.Net.Http.Headers;
using System.Text;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Relance.Integration.Tests.Infrastructure;

/// <summary>
/// The real servers the tests run against. Taken from environment variables (deploy/test.sh sets them from
/// the servers deploy/infra.sh started); when none is set and a Docker engine answers, started with
/// Testcontainers; otherwise the run fails and says what to start. Never skipped.
/// </summary>
public sealed class TestInfrastructure : IAsyncLifetime
{
    static readonly string[] Variables = ["RELANCE_POSTGRES", "RELANCE_RABBITMQ", "RELANCE_RABBITMQ_MANAGEMENT", "RELANCE_SMTP", "RELANCE_SMTP_CAPTURE"];

    readonly List<IContainer> _containers = [];

    /// <summary>A PostgreSQL connection string naming no database; every test system creates its own.</summary>
    public string Postgres { get; private set; } = "";
    public Uri RabbitMq { get; private set; } = null!;
    public Uri RabbitMqManagement { get; private set; } = null!;
    public string SmtpHost { get; private set; } = "";
    public int SmtpPort { get; private set; }
    public Uri SmtpCapture { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var set = Variables.Where(v => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v))).ToList();
        if (set.Count == Variables.Length)
        {
            Postgres = Environment.GetEnvironmentVariable("RELANCE_POSTGRES")!;
            RabbitMq = new Uri(Environment.GetEnvironmentVariable("RELANCE_RABBITMQ")!);
            RabbitMqManagement = new Uri(Environment.GetEnvironmentVariable("RELANCE_RABBITMQ_MANAGEMENT")!);
            var smtp = Environment.GetEnvironmentVariable("RELANCE_SMTP")!.Split(':');
            (SmtpHost, SmtpPort) = (smtp[0], int.Parse(smtp[1]));
            SmtpCapture = new Uri(Environment.GetEnvironmentVariable("RELANCE_SMTP_CAPTURE")!);
        }
        else if (set.Count > 0)
        {
            throw new InvalidOperationException(
                $"Only some of the test infrastructure variables are set ({string.Join(", ", set)}); set all of {string.Join(", ", Variables)}, or none to use Testcontainers.");
        }
        else
        {
            await StartContainers();
        }
        await CheckReachable();
    }

    async Task StartContainers()
    {
        try
        {
            var postgres = new PostgreSqlBuilder("postgres:15").Build();
            var rabbit = new RabbitMqBuilder("rabbitmq:3-management").WithPortBinding(15672, true).Build();
            var mail = new ContainerBuilder("maildev/maildev:2.2.1")
                .WithPortBinding(1025, true).WithPortBinding(1080, true)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(1080).ForPath("/")))
                .Build();
            _containers.AddRange([postgres, rabbit, mail]);
            await Task.WhenAll(_containers.Select(c => c.StartAsync()));

            Postgres = new NpgsqlConnectionStringBuilder(postgres.GetConnectionString()) { Database = null }.ConnectionString;
            RabbitMq = new Uri(rabbit.GetConnectionString());
            var credentials = RabbitMq.UserInfo;
            RabbitMqManagement = new Uri($"http://{credentials}@{rabbit.Hostname}:{rabbit.GetMappedPublicPort(15672)}/");
            (SmtpHost, SmtpPort) = (mail.Hostname, mail.GetMappedPublicPort(1025));
            SmtpCapture = new Uri($"http://{mail.Hostname}:{mail.GetMappedPublicPort(1080)}/");
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                "No test infrastructure: set " + string.Join(", ", Variables) + " to running PostgreSQL, RabbitMQ (with its management plugin) " +
                "and SMTP capture servers — `deploy/test.sh` installs, starts and sets them — or start a Docker engine for Testcontainers. " +
                $"Testcontainers said: {e.Message}", e);
        }
    }

    async Task CheckReachable()
    {
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Postgres) { Database = "postgres" }.ConnectionString))
            await connection.OpenAsync();
        using var management = Management();
        (await management.GetAsync("api/overview")).EnsureSuccessStatusCode();
    }

    /// <summary>An HTTP client of RabbitMQ's management API, authenticated with the URI's credentials.</summary>
    public HttpClient Management()
    {
        var client = new HttpClient { BaseAddress = new Uri(RabbitMqManagement.GetLeftPart(UriPartial.Authority) + "/") };
        var user = Uri.UnescapeDataString(RabbitMqManagement.UserInfo);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user)));
        return client;
    }

    public async Task DisposeAsync()
    {
        foreach (var container in _containers) await container.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class InfrastructureCollection : ICollectionFixture<TestInfrastructure>
{
    public const string Name = "real infrastructure";
}

/// <summary>
/// The dunning scenarios, half the suite's time, run beside the other tests (xunit.runner.json allows two collections
/// at once): each test starts its own services on their own schemas and virtual host, so the two share nothing but
/// the servers. Most of a scenario's time is spent waiting on the services, which is why two fit on two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ScenarioCollection : ICollectionFixture<TestInfrastructure>
{
    public const string Name = "real infrastructure, dunning scenarios";
}

/// <summary>
/// The audit tests (timelines, past states, litigation files, tamper evidence, erasure): each drives its own case to
/// the formal notice on its own services, beside the other collections.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AuditCollection : ICollectionFixture<TestInfrastructure>
{
    public const string Name = "real infrastructure, audit";
}
