using System.Globalization;
using Npgsql;

namespace Relance.PaymentStopBenchmark;

sealed record Settings(string Repo, string Postgres, string RabbitMq, string Management, string SmtpHost, int SmtpPort,
    int HandedOver, int Scheduled, double Rate, int SustainedPayments, double SustainedRate)
{
    public const string VirtualHost = "relance-bench-stop";
    public const string DatabasePrefix = "relance_bench_stop_";

    public string Broker => $"{RabbitMq.TrimEnd('/')}/{VirtualHost}";

    public string Database(string name) =>
        new NpgsqlConnectionStringBuilder(Postgres) { Database = DatabasePrefix + name, MaxPoolSize = 30 }.ConnectionString;

    public static Settings From(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var smtp = Environment.GetEnvironmentVariable("RELANCE_SMTP") ?? "127.0.0.1:1025";
        return new Settings(
            Path.GetFullPath(Option("--repo") ?? Directory.GetCurrentDirectory()),
            Environment.GetEnvironmentVariable("RELANCE_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=relance;Password=relance",
            Environment.GetEnvironmentVariable("RELANCE_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/",
            Environment.GetEnvironmentVariable("RELANCE_RABBITMQ_MANAGEMENT") ?? "http://guest:guest@127.0.0.1:15672/",
            smtp[..smtp.LastIndexOf(':')], int.Parse(smtp[(smtp.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture),
            Int("--handed-over", 1_000), Int("--scheduled", 5_000),
            Option("--rate") is { } rate ? double.Parse(rate, CultureInfo.InvariantCulture) : 1_000,
            Int("--sustained-payments", 1_000),
            Option("--sustained-rate") is { } sustained ? double.Parse(sustained, CultureInfo.InvariantCulture) : 50);
    }
}
