using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Relance.ErpSimulator;

/// <summary>
/// An ERP's first connection: all its open invoices at once. Listens to the answers before publishing, publishes on
/// several channels with many confirms in flight, and measures from the first publish until the last answer (and,
/// with --reminder-db, until the last invoice has joined a dunning case).
/// </summary>
static class Bulk
{
    public sealed record Settings(int Invoices, int Customers, string Company, string? ReminderDb, TimeSpan Timeout, int Publishers, int Seed);

    static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string broker, Settings settings, CancellationToken cancellation)
    {
        var n = settings.Invoices;
        var (ids, bodies) = Prepare(settings);
        var index = new Dictionary<string, int>(n, StringComparer.Ordinal);
        for (var i = 0; i < n; i++) index.Add(ids[i], i);

        var clock = new Stopwatch();
        var answered = new int[n];
        int answeredCount = 0, accepted = 0, applied = 0, rejected = 0;
        var lastAnswer = TimeSpan.Zero;
        var rejections = new ConcurrentQueue<string>();
        var allAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAnswer(Answer answer)
        {
            if (!index.TryGetValue(answer.MessageId, out var i) || Interlocked.Exchange(ref answered[i], 1) == 1) return;
            if (!answer.Accepted)
            {
                Interlocked.Increment(ref rejected);
                if (rejections.Count < 5) rejections.Enqueue($"{answer.MessageId}: {answer.Describe()}");
            }
            else
            {
                Interlocked.Increment(ref accepted);
                if (answer.Outcome == "applied") Interlocked.Increment(ref applied);
            }
            if (Interlocked.Increment(ref answeredCount) == n)
            {
                lastAnswer = clock.Elapsed;
                allAnswered.TrySetResult();
            }
        }

        await using var reminderDb = settings.ReminderDb is { } connectionString ? OpenReminderDb(connectionString) : null;
        var casePattern = settings.Company.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "/%";
        if (reminderDb is not null) await CountJoinedAsync(reminderDb, casePattern, cancellation); // a wrong --reminder-db fails now, not after the run

        await using var erp = await Erp.ConnectAsync(broker, OnAnswer, settings.Publishers, cancellation);
        Console.WriteLine($"bulk: publishing {n} invoice.issued messages of company {settings.Company} ({settings.Customers} customers) "
            + $"to {Erp.Redact(broker)} on {settings.Publishers} channels");

        int returned = 0, refused = 0;
        async Task PublishShareAsync(IChannel channel, int first)
        {
            var inFlight = new List<ValueTask>(Erp.InFlightPerChannel);
            for (var i = first; i < n; i += settings.Publishers)
            {
                inFlight.Add(Erp.PublishAsync(channel, "invoice.issued", ids[i], bodies[i], cancellation));
                if (inFlight.Count == Erp.InFlightPerChannel) await ConfirmedAsync(inFlight);
            }
            await ConfirmedAsync(inFlight);
        }
        async Task ConfirmedAsync(List<ValueTask> inFlight)
        {
            foreach (var publish in inFlight)
            {
                try { await publish; }
                catch (PublishReturnException) { Interlocked.Increment(ref returned); }
                catch (PublishException) { Interlocked.Increment(ref refused); }
            }
            inFlight.Clear();
        }

        clock.Start();
        try
        {
            await Task.WhenAll(erp.Publishers.Select((channel, p) => Task.Run(() => PublishShareAsync(channel, p), cancellation)));
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException)
        {
            throw new SimulatorException($"publishing failed: {e.Message}");
        }
        var publishedIn = clock.Elapsed;
        if (returned > 0) return Fail($"{returned} of {n} messages were returned: {Erp.NoQueueMessage("invoice.issued")}");
        if (refused > 0) return Fail($"the broker refused (nack) {refused} of {n} messages");
        Console.WriteLine($"bulk: {n} published in {Seconds(publishedIn)} s ({Rate(n, publishedIn)} messages/s), waiting for the answers");

        var answersDone = await WaitAsync(settings.Timeout, erp, cancellation,
            () => Task.FromResult(allAnswered.Task.IsCompleted),
            () => Console.WriteLine($"bulk: {answeredCount}/{n} answered ({accepted} accepted, {rejected} rejected) after {Seconds(clock.Elapsed)} s"),
            allAnswered.Task);
        Console.WriteLine($"bulk: {answeredCount}/{n} answered: {accepted} accepted ({applied} applied, {accepted - applied} already-applied), {rejected} rejected");
        foreach (var rejection in rejections) Console.WriteLine($"bulk:   rejected {rejection}");
        if (!answersDone)
            return Fail($"timed out after {Seconds(settings.Timeout)} s waiting for answers: {n - answeredCount} of {n} unanswered"
                + (answeredCount == 0 ? " (no answer at all: is Relance's Invoice service running on this broker?)" : ""));
        if (rejected > 0) return Fail($"{rejected} of {n} invoices were rejected in {Seconds(lastAnswer)} s");
        Console.WriteLine($"bulk: {n} invoices accepted in {Seconds(lastAnswer)} s = {Rate(n, lastAnswer)} invoices/s");

        if (reminderDb is null) return 0;
        long joined = 0;
        var casesStart = clock.Elapsed;
        var casesDone = await WaitAsync(settings.Timeout, erp: null, cancellation,
            async () => (joined = await CountJoinedAsync(reminderDb, casePattern, cancellation)) >= n,
            () => Console.WriteLine($"bulk: {joined}/{n} invoices in dunning cases after {Seconds(clock.Elapsed)} s"));
        var casesAt = clock.Elapsed;
        if (!casesDone)
            return Fail($"timed out after {Seconds(casesAt - casesStart)} s waiting for the dunning cases: {joined} of {n} invoices joined one "
                + "(is the Reminder service running, on this --reminder-db?)");
        Console.WriteLine($"bulk: {n} invoices in dunning cases after {Seconds(casesAt)} s = {Rate(n, casesAt)} invoices/s");
        return 0;
    }

    /// <summary>The message ids and JSON bodies, made before the clock starts (also tools/Relance.IngestionBenchmark's payload).</summary>
    internal static (string[] Ids, byte[][] Bodies) Prepare(Settings settings)
    {
        string[] names = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent", "Simon", "Michel"];
        string[] trades = ["Menuiserie", "Transports", "Boulangerie", "Garage", "Imprimerie", "Plomberie", "Électricité", "Maçonnerie", "Traiteur"];
        string[] forms = ["SARL", "SAS", "SA", "EURL", "SASU"];
        var random = new Random(settings.Seed);
        var today = DateOnly.FromDateTime(DateTime.Now);
        var customers = Enumerable.Range(1, settings.Customers).Select(c =>
        {
            var name = names[random.Next(names.Length)];
            var trade = trades[random.Next(trades.Length)];
            return new Customer($"C-{c:D6}", $"{trade} {name} {forms[random.Next(forms.Length)]}", $"compta.c{c:D6}@{name.ToLowerInvariant()}-{c}.example");
        }).ToArray();

        var ids = new string[settings.Invoices];
        var bodies = new byte[settings.Invoices][];
        for (var i = 0; i < settings.Invoices; i++)
        {
            var issueDate = today.AddDays(-random.Next(0, 91));
            var days = random.Next(2) == 0 ? 30 : 45;
            var excludingVat = Math.Round((decimal)Math.Exp(Math.Log(200 / 1.2) + random.NextDouble() * Math.Log(100)), 2);
            ids[i] = $"sim-bulk-{settings.Company}-{i + 1:D7}";
            bodies[i] = Erp.Serialize(new InvoiceIssued(settings.Company, $"F-{issueDate.Year}-{i + 1:D7}", customers[i % customers.Length],
                issueDate, issueDate.AddDays(days), excludingVat, Math.Round(excludingVat * 1.2m, 2), "EUR", new PaymentTerms(days, false)));
        }
        return (ids, bodies);
    }

    /// <summary>Waits until <paramref name="done"/> (checked every 500 ms, or when <paramref name="signal"/> completes), the connection is lost or the timeout passes.</summary>
    static async Task<bool> WaitAsync(TimeSpan timeout, Erp? erp, CancellationToken cancellation, Func<Task<bool>> done, Action progress, Task? signal = null)
    {
        var waited = Stopwatch.StartNew();
        var nextProgress = ProgressEvery;
        while (!await done())
        {
            if (waited.Elapsed >= timeout) return false;
            var tick = Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
            await Task.WhenAny(new[] { tick, signal ?? tick, erp?.Lost ?? tick });
            cancellation.ThrowIfCancellationRequested();
            if (erp is { Lost.IsCompleted: true }) throw new SimulatorException(await erp.Lost);
            if (waited.Elapsed >= nextProgress)
            {
                progress();
                nextProgress += ProgressEvery;
            }
        }
        return true;
    }

    static NpgsqlDataSource OpenReminderDb(string connectionString)
    {
        try { return NpgsqlDataSource.Create(connectionString); }
        catch (ArgumentException e) { throw new SimulatorException($"--reminder-db is not a valid Npgsql connection string: {e.Message}"); }
    }

    static async Task<long> CountJoinedAsync(NpgsqlDataSource db, string casePattern, CancellationToken cancellation)
    {
        try
        {
            await using var command = db.CreateCommand(
                "SELECT count(*) FROM relance.mt_events WHERE type = 'invoice_joined_case' AND stream_id LIKE $1");
            command.Parameters.Add(new NpgsqlParameter { Value = casePattern });
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation), CultureInfo.InvariantCulture);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            throw new SimulatorException("--reminder-db has no relance.mt_events table: it must name the Reminder service's database");
        }
        catch (NpgsqlException e)
        {
            throw new SimulatorException($"--reminder-db: {e.Message}");
        }
    }

    static int Fail(string reason)
    {
        Console.WriteLine($"bulk: FAILED: {reason}");
        return 1;
    }

    static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);

    static string Rate(long count, TimeSpan elapsed) =>
        Math.Round(count / Math.Max(elapsed.TotalSeconds, 0.001)).ToString("F0", CultureInfo.InvariantCulture);
}
