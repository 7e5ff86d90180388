using System.Globalization;
using Relance.ErpSimulator;

const string Usage = """
    relance-erp-simulator: an ERP publishing plain JSON to Relance over RabbitMQ (contracts/README.md).

    Usage:
      relance-erp-simulator demo [--interval 2] [--count N | --duration SECONDS] [--seed 42]
      relance-erp-simulator bulk [--invoices 10000] [--customers N/10] [--company BULK-<timestamp>]
                                 [--reminder-db "<Npgsql connection string>"] [--timeout 600] [--publishers 4] [--seed 42]
      relance-erp-simulator --help

    Modes:
      demo   Paced, realistic French traffic from two companies (ACME, BATIPRO): invoices, then payments,
             credit notes, corrections, cancellations, disputes and e-invoicing platform statuses (Encaissée,
             En litige, Approuvée, ...) of those invoices, and now and then a deliberately invalid invoice.
             One line per message published and per answer. Runs until Ctrl-C, --count
             messages or --duration seconds. Dates are relative to today and numbers follow --seed: the
             same seed the same day replays the same invoices (answered already-applied); on another
             day, the same numbers with other dates are refused, so pass another --seed.
      bulk   An ERP's first connection: --invoices invoice.issued messages over --customers customers of
             --company, published as fast as possible, then waits until each is answered and prints
               bulk: N invoices accepted in S s = R invoices/s
             With --reminder-db (the Reminder service's database) it then waits until every invoice has
             joined a dunning case (relance.mt_events) and prints a second line. Each wait is bounded by
             --timeout seconds. Exit code 0 when everything was accepted (and reached the cases), else 1.

    Every mode:
      --rabbitmq URI   the broker (default: $RELANCE_RABBITMQ, else amqp://guest:guest@127.0.0.1:5672/)
    """;

if (args.Length == 0 || args[0] is "--help" or "-h" or "help" || args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !stop.IsCancellationRequested; // a second Ctrl-C ends the process at once
    stop.Cancel();
};

try
{
    var options = Options.Parse(args.Skip(1).ToArray());
    var broker = options.Text("rabbitmq")
        ?? (Environment.GetEnvironmentVariable("RELANCE_RABBITMQ") is { Length: > 0 } env ? env : "amqp://guest:guest@127.0.0.1:5672/");
    switch (args[0])
    {
        case "demo":
            options.Allow("rabbitmq", "interval", "count", "duration", "seed");
            return await Demo.RunAsync(broker, new Demo.Settings(
                Interval: TimeSpan.FromSeconds(options.Number("interval", 2, min: 0)),
                Count: options.Text("count") is null ? null : options.Integer("count", 0, min: 1),
                Duration: options.Text("duration") is null ? null : TimeSpan.FromSeconds(options.Number("duration", 0, min: 0)),
                Seed: options.Integer("seed", 42)), stop.Token);
        case "bulk":
            options.Allow("rabbitmq", "invoices", "customers", "company", "reminder-db", "timeout", "publishers", "seed");
            var invoices = options.Integer("invoices", 10_000, min: 1);
            var company = options.Text("company") ?? $"BULK-{DateTime.UtcNow:yyyyMMddHHmmss}";
            if (company.Contains('/')) throw new SimulatorException("--company must not contain '/'");
            return await Bulk.RunAsync(broker, new Bulk.Settings(
                Invoices: invoices,
                Customers: options.Integer("customers", Math.Max(1, invoices / 10), min: 1),
                Company: company,
                ReminderDb: options.Text("reminder-db"),
                Timeout: TimeSpan.FromSeconds(options.Number("timeout", 600, min: 1)),
                Publishers: options.Integer("publishers", 4, min: 1),
                Seed: options.Integer("seed", 42)), stop.Token);
        default:
            throw new SimulatorException($"unknown mode '{args[0]}': expected demo or bulk (see --help)");
    }
}
catch (SimulatorException e)
{
    Console.Error.WriteLine($"relance-erp-simulator: {e.Message}");
    return 1;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("relance-erp-simulator: interrupted");
    return 1;
}

/// <summary>Options written <c>--name value</c>.</summary>
sealed class Options
{
    readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length == 2)
                throw new SimulatorException($"unexpected argument '{args[i]}': options are written --name value (see --help)");
            if (i + 1 >= args.Length) throw new SimulatorException($"option {args[i]} needs a value");
            if (!options.values.TryAdd(args[i][2..], args[++i])) throw new SimulatorException($"option {args[i - 1]} is given twice");
        }
        return options;
    }

    public void Allow(params string[] names)
    {
        if (values.Keys.FirstOrDefault(k => !names.Contains(k)) is { } unknown)
            throw new SimulatorException($"unknown option --{unknown} for this mode (see --help)");
    }

    public string? Text(string name) => values.GetValueOrDefault(name);

    public double Number(string name, double fallback, double min = double.MinValue)
    {
        if (Text(name) is not { } text) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min)
            throw new SimulatorException($"--{name} must be a number{(min > double.MinValue ? $" of at least {min}" : "")}, not '{text}'");
        return value;
    }

    public int Integer(string name, int fallback, int min = int.MinValue)
    {
        if (Text(name) is not { } text) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
            throw new SimulatorException($"--{name} must be a whole number{(min > int.MinValue ? $" of at least {min}" : "")}, not '{text}'");
        return value;
    }
}
