using System.Diagnostics;

namespace Relance.PaymentStopBenchmark;

/// <summary>The three services as processes from their Release build, on databases and a virtual host of the benchmark's own.</summary>
sealed class Services(Settings settings, string logs) : IAsyncDisposable
{
    public static readonly string[] Names = ["Invoice", "Reminder", "Correspondence"];
    readonly Dictionary<string, Process> running = [];
    readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(2) };
    readonly string signingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));

    public static int Port(string service) => 5221 + Array.IndexOf(Names, service);

    public void Start(string service)
    {
        var folder = Path.Combine(settings.Repo, "services", service);
        var start = new ProcessStartInfo("dotnet", Path.Combine(folder, "bin", "Release", "net10.0", $"Relance.{service}.dll"))
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var env = start.Environment;
        env["ConnectionStrings__Marten"] = settings.Database(service.ToLowerInvariant());
        env["ConnectionStrings__RabbitMq"] = settings.Broker;
        env["Audit__Stores__Invoice"] = settings.Database("invoice");
        env["Audit__Stores__Correspondence"] = settings.Database("correspondence");
        env["Smtp__Host"] = settings.SmtpHost;
        env["Smtp__Port"] = settings.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port(service)}";
        env["Auth__SigningKey"] = signingKey;
        // Reminders due at once whatever the hour: sending all day, a 1 s grouping delay and scheduler tick.
        env["Dunning__SendWindowStart"] = "00:00";
        env["Dunning__SendWindowEnd"] = "23:59:59";
        env["Dunning__GroupingDelay"] = "00:00:01";
        env["Reminder__Scheduler__PollInterval"] = "00:00:01";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {service}");
        var log = new StreamWriter(Path.Combine(logs, $"{service.ToLowerInvariant()}.log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        running[service] = process;
    }

    public async Task WaitReady(TimeSpan within, params string[] services)
    {
        var until = DateTime.UtcNow + within;
        foreach (var service in services)
            while (true)
            {
                if (running[service].HasExited) throw new InvalidOperationException($"{service} stopped (exit {running[service].ExitCode}); see {logs}");
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{Port(service)}/health/ready")).IsSuccessStatusCode) break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // not listening yet
                }
                if (DateTime.UtcNow > until) throw new TimeoutException($"{service} not ready within {within}; see {logs}");
                await Task.Delay(250);
            }
    }

    public async Task Stop(string service)
    {
        if (!running.Remove(service, out var process)) return;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in running.Keys.ToList()) await Stop(service);
        http.Dispose();
    }
}
