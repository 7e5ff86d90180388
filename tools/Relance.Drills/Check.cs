using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

namespace Relance.Drills;

/// <summary>
/// The counts a drill is judged by, read where they are kept: the ledgers (what the ERP published), the Invoice
/// service's store (what was stored), the Reminder service's store (when it learnt of each payment) and the SMTP
/// capture (what left, as the customer would receive it).
/// </summary>
static class Check
{
    public sealed record Settings(
        string Run, IReadOnlyList<string> Ledgers, string InvoiceDb, string ReminderDb, string CorrespondenceDb, string Capture, string Company, TimeSpan Timeout);

    public sealed record Counts(
        int Published, int Stored, int Payments, int PaymentsKnown, int Reminders, int Duplicates, int AfterPayment, int RequestedAfterPayment, int Missing,
        double SettleSeconds, bool Settled, bool Ok, IReadOnlyList<string> Findings);

    /// <summary>One captured email: to whom, which template (so which step), its correspondence, when it was written.</summary>
    sealed record Email(string To, string Template, Guid? Correspondence, DateTimeOffset At);

    public static async Task<int> RunAsync(Settings settings, CancellationToken stop)
    {
        var entries = settings.Ledgers.SelectMany(Ledger.Read).ToList();
        var invoices = entries.Where(e => e.Kind == Ledger.Invoice).ToDictionary(e => e.InvoiceNumber, e => e.Email);
        var paid = entries.Where(e => e.Kind == Ledger.Payment).Select(e => e.InvoiceNumber).ToHashSet();
        var maybePaid = entries.Where(e => e.Kind is Ledger.PaymentAttempt).Select(e => e.InvoiceNumber).ToHashSet();
        var customers = invoices.Values.ToHashSet();
        using var http = new HttpClient { BaseAddress = new Uri(settings.Capture), Timeout = TimeSpan.FromSeconds(30) };

        var clock = Stopwatch.StartNew();
        Counts counts;
        var lastReminders = -1;
        var stableSince = TimeSpan.Zero;
        var lastPrinted = TimeSpan.Zero;
        while (true)
        {
            var stored = await StoredAsync(settings, invoices.Keys.ToArray(), stop);
            var known = await PaymentsKnownAsync(settings, [.. maybePaid], stop);
            var emails = (await EmailsAsync(http, stop)).Where(e => customers.Contains(e.To)).ToList();
            emails = await WhenWrittenAsync(settings, emails, stop);
            var requested = await RequestedAsync(settings, emails, stop);
            counts = Count(invoices, paid, maybePaid, stored, known, requested, emails, clock.Elapsed);
            if (counts.Reminders != lastReminders) { lastReminders = counts.Reminders; stableSince = clock.Elapsed; }
            // Settled: everything stored, every payment known, every unpaid invoice reminded, no new email for 5 s.
            var settled = counts.Stored == counts.Published && counts.PaymentsKnown >= counts.Payments && counts.Missing == 0
                          && clock.Elapsed - stableSince >= TimeSpan.FromSeconds(5);
            if (!settled && clock.Elapsed - lastPrinted >= TimeSpan.FromSeconds(10))
            {
                lastPrinted = clock.Elapsed;
                Console.Error.WriteLine(
                    $"check: {clock.Elapsed.TotalSeconds:0} s: {counts.Stored}/{counts.Published} stored, {counts.PaymentsKnown}/{counts.Payments} payments known, " +
                    $"{counts.Reminders} reminders, {counts.Missing} unpaid not yet reminded");
            }
            if (settled || clock.Elapsed >= settings.Timeout || stop.IsCancellationRequested)
            {
                counts = counts with { Settled = settled, Ok = counts.Ok && settled };
                break;
            }
            await Task.Delay(1000, stop);
        }

        Console.WriteLine(JsonSerializer.Serialize(counts, new JsonSerializerOptions(JsonSerializerOptions.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never }));
        return counts.Ok ? 0 : 1;
    }

    static Counts Count(
        Dictionary<string, string> invoices, HashSet<string> paid, HashSet<string> maybePaid, HashSet<string> stored,
        Dictionary<string, DateTimeOffset> paymentKnownAt, Dictionary<Guid, DateTimeOffset> requestedAt, List<Email> emails, TimeSpan elapsed)
    {
        var findings = new List<string>();
        var byEmail = invoices.ToDictionary(i => i.Value, i => i.Key);

        var lost = invoices.Keys.Where(n => !stored.Contains(n)).Order().ToList();
        if (lost.Count > 0) findings.Add($"not stored: {string.Join(", ", lost.Take(10))}");

        var duplicates = emails.GroupBy(e => (e.To, e.Template)).Where(g => g.Count() > 1).ToList();
        foreach (var d in duplicates.Take(10)) findings.Add($"sent {d.Count()} times: {d.Key.Template} to {d.Key.To}");

        // Written after the Reminder service had recorded the payment: a reminder it should have withdrawn.
        var afterPayment = emails
            .Where(e => paymentKnownAt.TryGetValue(byEmail[e.To], out var at) && e.At > at)
            .ToList();
        foreach (var e in afterPayment.Take(10))
        {
            var paidAt = paymentKnownAt[byEmail[e.To]];
            var request = e.Correspondence is { } id && requestedAt.TryGetValue(id, out var r)
                ? r < paidAt ? $"requested {r:HH:mm:ss.fff}, before the payment" : $"requested {r:HH:mm:ss.fff}, AFTER the payment"
                : "request not found";
            findings.Add($"after payment: {e.Template} to {e.To} written {e.At:HH:mm:ss.fff}, payment recorded {paidAt:HH:mm:ss.fff} ({request})");
        }

        // Of those, the ones the Reminder service decided on after it knew of the payment (the others were handed to the
        // Correspondence service before, and nothing withdraws a reminder once handed over).
        var requestedAfterPayment = afterPayment.Count(e => e.Correspondence is { } id && requestedAt.TryGetValue(id, out var r) && r >= paymentKnownAt[byEmail[e.To]]);

        var reminded = emails.Select(e => e.To).ToHashSet();
        var missing = invoices.Where(i => !maybePaid.Contains(i.Key) && !reminded.Contains(i.Value)).Select(i => i.Key).Order().ToList();
        if (missing.Count > 0) findings.Add($"unpaid, never reminded: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", …" : "")}");

        var known = paid.Count(paymentKnownAt.ContainsKey);
        return new Counts(
            Published: invoices.Count, Stored: invoices.Keys.Count(stored.Contains), Payments: paid.Count, PaymentsKnown: known,
            Reminders: emails.Count, Duplicates: duplicates.Sum(g => g.Count() - 1), AfterPayment: afterPayment.Count, RequestedAfterPayment: requestedAfterPayment, Missing: missing.Count,
            SettleSeconds: Math.Round(elapsed.TotalSeconds, 1), Settled: false,
            Ok: lost.Count == 0 && duplicates.Count == 0 && afterPayment.Count == 0 && missing.Count == 0, Findings: findings);
    }

    static async Task<HashSet<string>> StoredAsync(Settings settings, string[] numbers, CancellationToken stop)
    {
        var ids = numbers.Select(n => $"{settings.Company}/{n}").ToArray();
        var stored = new HashSet<string>();
        try
        {
            await using var connection = new NpgsqlConnection(settings.InvoiceDb);
            await connection.OpenAsync(stop);
            await using var command = new NpgsqlCommand("SELECT id FROM relance.mt_doc_invoice WHERE id = ANY(@ids)", connection);
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync(stop);
            while (await reader.ReadAsync(stop)) stored.Add(reader.GetString(0)[(settings.Company.Length + 1)..]);
        }
        catch (NpgsqlException e)
        {
            Console.Error.WriteLine($"check: the Invoice store did not answer ({e.Message}); trying again");
        }
        return stored;
    }

    /// <summary>When the Reminder service first recorded each invoice's leaving its case (paid), or its closing before it joined one.</summary>
    static async Task<Dictionary<string, DateTimeOffset>> PaymentsKnownAsync(Settings settings, string[] numbers, CancellationToken stop)
    {
        var known = new Dictionary<string, DateTimeOffset>();
        bool closedBeforeJoining;
        try
        {
            await using var connection = new NpgsqlConnection(settings.ReminderDb);
            await connection.OpenAsync(stop);
            // An invoice whose settlement is handled before its registration never joins a case: the Reminder service
            // keeps that it closed first (a document whose id is case/invoice) and chases nothing. Marten makes that
            // document's table when the first one is stored.
            await using (var exists = new NpgsqlCommand("SELECT to_regclass('relance.mt_doc_invoiceclosedbeforejoining') IS NOT NULL", connection))
                closedBeforeJoining = (bool)(await exists.ExecuteScalarAsync(stop))!;
            await using var command = new NpgsqlCommand(
                """
                SELECT data->>'InvoiceNumber', min(timestamp) FROM relance.mt_events
                WHERE type = 'invoice_left_case' AND stream_id LIKE @company AND data->>'InvoiceNumber' = ANY(@numbers)
                GROUP BY 1
                """ + (closedBeforeJoining ? """

                UNION ALL
                SELECT regexp_replace(id, '^.*/', ''), (data->>'At')::timestamptz FROM relance.mt_doc_invoiceclosedbeforejoining
                WHERE id LIKE @company AND regexp_replace(id, '^.*/', '') = ANY(@numbers)
                """ : ""), connection);
            command.Parameters.AddWithValue("company", settings.Company + "/%");
            command.Parameters.AddWithValue("numbers", numbers);
            await using var reader = await command.ExecuteReaderAsync(stop);
            while (await reader.ReadAsync(stop)) known[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }
        catch (NpgsqlException e)
        {
            Console.Error.WriteLine($"check: the Reminder store did not answer ({e.Message}); trying again");
        }
        return known;
    }

    /// <summary>When the Reminder service requested each reminder (its id is the correspondence's).</summary>
    static async Task<Dictionary<Guid, DateTimeOffset>> RequestedAsync(Settings settings, List<Email> emails, CancellationToken stop)
    {
        var requested = new Dictionary<Guid, DateTimeOffset>();
        try
        {
            await using var connection = new NpgsqlConnection(settings.ReminderDb);
            await connection.OpenAsync(stop);
            await using var command = new NpgsqlCommand(
                "SELECT data->>'ReminderId', min(timestamp) FROM relance.mt_events WHERE type = 'reminder_requested' AND data->>'ReminderId' = ANY(@ids) GROUP BY 1",
                connection);
            command.Parameters.AddWithValue("ids", emails.Where(e => e.Correspondence is not null).Select(e => e.Correspondence!.Value.ToString()).ToArray());
            await using var reader = await command.ExecuteReaderAsync(stop);
            while (await reader.ReadAsync(stop)) requested[Guid.Parse(reader.GetString(0))] = reader.GetFieldValue<DateTimeOffset>(1);
        }
        catch (NpgsqlException e)
        {
            Console.Error.WriteLine($"check: the Reminder store did not answer ({e.Message}); trying again");
        }
        return requested;
    }

    /// <summary>
    /// When the Correspondence service wrote each email (correspondence_rendered), to the microsecond: the Date header
    /// maildev shows is whole seconds. The Message-Id names the correspondence.
    /// </summary>
    static async Task<List<Email>> WhenWrittenAsync(Settings settings, List<Email> emails, CancellationToken stop)
    {
        var written = new Dictionary<Guid, DateTimeOffset>();
        try
        {
            await using var connection = new NpgsqlConnection(settings.CorrespondenceDb);
            await connection.OpenAsync(stop);
            await using var command = new NpgsqlCommand(
                "SELECT stream_id, min(timestamp) FROM relance.mt_events WHERE type = 'correspondence_rendered' AND stream_id = ANY(@ids) GROUP BY 1",
                connection);
            command.Parameters.AddWithValue("ids", emails.Where(e => e.Correspondence is not null).Select(e => e.Correspondence!.Value.ToString()).ToArray());
            await using var reader = await command.ExecuteReaderAsync(stop);
            while (await reader.ReadAsync(stop)) written[Guid.Parse(reader.GetString(0))] = reader.GetFieldValue<DateTimeOffset>(1);
        }
        catch (NpgsqlException e)
        {
            Console.Error.WriteLine($"check: the Correspondence store did not answer ({e.Message}); the Date headers are used");
        }
        return [.. emails.Select(e => e.Correspondence is { } id && written.TryGetValue(id, out var at) ? e with { At = at } : e)];
    }

    /// <summary>maildev's list: its "time" is the email's Date header, which the Correspondence service sets when it writes it.</summary>
    static async Task<List<Email>> EmailsAsync(HttpClient http, CancellationToken stop)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("email", stop));
        var emails = new List<Email>();
        foreach (var email in document.RootElement.EnumerateArray())
        {
            var template = email.TryGetProperty("headers", out var headers) && headers.TryGetProperty("x-relance-template", out var t)
                ? t.GetString() ?? "?" : "?";
            var at = email.GetProperty("time").GetDateTimeOffset();
            Guid? correspondence = email.TryGetProperty("messageId", out var id) && id.GetString() is { } messageId
                                   && Guid.TryParseExact(messageId.Split('@')[0], "N", out var guid) ? guid : null;
            foreach (var to in email.GetProperty("to").EnumerateArray())
                emails.Add(new Email(to.GetProperty("address").GetString()!.ToLowerInvariant(), template, correspondence, at));
        }
        return emails;
    }
}
