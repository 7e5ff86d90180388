using Relance.Drills;

const string Usage = """
    relance-drills: the helper of deploy/drills.sh (README "Fault drills").

    Usage:
      relance-drills traffic --run ID --drill NAME --ledger FILE [--rabbitmq URI] [--rate 3] [--pay-share 0.5] [--company DRILL]
      relance-drills check --run ID --ledgers FILE[,FILE...] --invoice-db CS --reminder-db CS --correspondence-db CS
                           --capture URL
                           [--timeout 120] [--company DRILL]

    traffic  Publishes invoice.issued (one new customer each, due in 5 days, so that its courtesy reminder is due at
             once) and, for --pay-share of them, a full payment.received 0.3 to 10 s later, --rate invoices a second,
             until SIGTERM or Ctrl-C. Each message waits for the broker's confirm; a lost connection is reopened and
             the message published again under the same message id (Relance answers a repeat 'already-applied').
             Every confirmed message is a line of --ledger.
    check    Waits (at most --timeout s) until the ledgers' invoices are stored, their payments known to the Reminder
             service and their reminders captured, then prints one JSON line of counts: published, stored, reminders,
             duplicates (the same step emailed twice to one customer), afterPayment (a reminder written after the
             Reminder service recorded the payment), requestedAfterPayment (of those, requested after it), missing (an unpaid invoice never reminded), settleSeconds, ok.
             Exit code 0 when ok, 1 when a check failed.
    """;

if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });

try
{
    var options = Options.Parse(args.Skip(1).ToArray());
    switch (args[0])
    {
        case "traffic":
            options.Allow("run", "drill", "ledger", "rabbitmq", "rate", "pay-share", "company");
            return await Traffic.RunAsync(new Traffic.Settings(
                Broker: options.Text("rabbitmq") ?? Environment.GetEnvironmentVariable("RELANCE_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/",
                Run: options.Required("run"),
                Drill: options.Required("drill"),
                Ledger: options.Required("ledger"),
                Company: options.Text("company") ?? "DRILL",
                Rate: options.Number("rate", 3),
                PayShare: options.Number("pay-share", 0.5)), stop.Token);
        case "check":
            options.Allow("run", "ledgers", "invoice-db", "reminder-db", "correspondence-db", "capture", "timeout", "company");
            return await Check.RunAsync(new Check.Settings(
                Run: options.Required("run"),
                Ledgers: options.Required("ledgers").Split(',', StringSplitOptions.RemoveEmptyEntries),
                InvoiceDb: options.Required("invoice-db"),
                ReminderDb: options.Required("reminder-db"),
                CorrespondenceDb: options.Required("correspondence-db"),
                Capture: options.Required("capture"),
                Company: options.Text("company") ?? "DRILL",
                Timeout: TimeSpan.FromSeconds(options.Number("timeout", 120))), stop.Token);
        default:
            throw new DrillException($"unknown command '{args[0]}': expected traffic or check (see --help)");
    }
}
catch (DrillException e)
{
    Console.Error.WriteLine($"relance-drills: {e.Message}");
    return 2;
}

/// <summary>A failure to explain in one line, without a stack trace.</summary>
sealed class DrillException(string message) : Exception(message);

/// <summary>Options written <c>--name value</c>.</summary>
sealed class Options
{
    readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new DrillException($"unexpected argument '{args[i]}': options are written --name value");
            options.values[args[i][2..]] = args[i + 1];
        }
        return options;
    }

    public void Allow(params string[] names)
    {
        if (values.Keys.FirstOrDefault(k => !names.Contains(k)) is { } unknown)
            throw new DrillException($"unknown option --{unknown} (see --help)");
    }

    public string? Text(string name) => values.GetValueOrDefault(name);

    public string Required(string name) => Text(name) ?? throw new DrillException($"--{name} is required (see --help)");

    public double Number(string name, double fallback) =>
        Text(name) is not { } text ? fallback
        : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new DrillException($"--{name} must be a positive number, not '{text}'");
}
