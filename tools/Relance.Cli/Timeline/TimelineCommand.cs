using System.CommandLine;
using Relance.Cli.Dossier;
using Relance.ReminderService.Audit.Timelines;
using Relance.ServiceDefaults.Audit.Timeline;

namespace Relance.Cli.Timeline;

/// <summary>
/// <c>relance audit timeline --case ACME/C-1/EUR | --customer ACME/C-1 | --invoice ACME/F-1 [--until ts] [--json]</c>:
/// the same timeline as the Reminder service's /audit/…/timeline, read from the three stores directly.
/// </summary>
public static class TimelineCommand
{
    public static void Register(CliContext context, Command audit, Command projections, Command privacy)
    {
        var @case = new Option<string?>("--case") { Description = "A dunning case: company/customer/currency, e.g. ACME/C-1/EUR" };
        var customer = new Option<string?>("--customer") { Description = "Every case of a customer: company/customer, e.g. ACME/C-1" };
        var invoice = new Option<string?>("--invoice") { Description = "One invoice: company/invoice number, e.g. ACME/F-1" };
        var until = new Option<string?>("--until") { Description = "Leave out events that happened after this moment: the moment each event states (RecordedAt, SentAt…), else when it was stored (ISO 8601; UTC when no offset)" };
        var json = new Option<bool>("--json") { Description = "Write the timeline as JSON (as the HTTP API answers it)" };
        var command = new Command("timeline", "One chronological trail of a case, a customer or an invoice: every action, when, by whom, why, on which channel, with its proofs.")
        {
            @case, customer, invoice, until, json,
        };
        command.SetAction(async (parsed, cancellation) =>
        {
            var (subject, described) = Subject(parsed.GetValue(@case), parsed.GetValue(customer), parsed.GetValue(invoice));
            var upTo = Paris.Parse(parsed.GetValue(until), "--until");
            AuditStore[] stores =
            [
                new(AuditStore.Invoice, context.Stores.ConnectionString(parsed, StoreName.Invoice)),
                new(AuditStore.Reminder, context.Stores.ConnectionString(parsed, StoreName.Reminder)),
                new(AuditStore.Correspondence, context.Stores.ConnectionString(parsed, StoreName.Correspondence)),
            ];
            var entries = await AuditTimeline.ReadAsync(stores, subject, upTo, cancellation);
            if (entries.Count == 0)
                throw new CliException($"No event is stored for {described}" + (upTo is { } u ? $" up to {u:O}." : "."));
            if (parsed.GetValue(json))
                await CliJson.WriteAsync(context.Output, new TimelineEndpoints.TimelineView(described, upTo, entries.Count, entries));
            else
                await WriteTextAsync(context.Output, described, upTo, entries);
            return 0;
        });
        audit.Subcommands.Add(command);
    }

    /// <summary>The subject given on the command line: exactly one of --case, --customer, --invoice.</summary>
    public static (AuditSubject Subject, string Described) Subject(string? @case, string? customer, string? invoice)
    {
        var given = new[] { @case, customer, invoice }.Count(g => g is not null);
        if (given != 1) throw new CliException("Say whose timeline: one of --case ACME/C-1/EUR, --customer ACME/C-1 or --invoice ACME/F-1.");
        // Read as `audit dossier` reads it: a customer id may itself contain '/' (ACME/DIV/7/EUR).
        if (@case is not null)
        {
            var key = CaseKey.Parse(@case);
            return (new AuditSubject.Case(key.CompanyId, key.CustomerId, key.Currency), $"case {@case}");
        }
        // A customer id or an invoice number may itself contain '/': the company is what comes before the first one.
        if (customer is not null)
        {
            var at = customer.IndexOf('/');
            return at > 0 && at < customer.Length - 1
                ? (new AuditSubject.Customer(customer[..at], customer[(at + 1)..]), $"customer {customer}")
                : throw new CliException($"--customer '{customer}' is not company/customer (e.g. ACME/C-1).");
        }
        var slash = invoice!.IndexOf('/');
        return slash > 0 && slash < invoice.Length - 1
            ? (new AuditSubject.Invoice(invoice[..slash], invoice[(slash + 1)..]), $"invoice {invoice}")
            : throw new CliException($"--invoice '{invoice}' is not company/invoice number (e.g. ACME/F-1).");
    }

    /// <summary>One line per event: Paris time, service, actor, summary, then its proofs.</summary>
    public static async Task WriteTextAsync(TextWriter output, string described, DateTimeOffset? until, IReadOnlyList<TimelineEntry> entries)
    {
        await output.WriteLineAsync($"Timeline of {described}: {entries.Count} events" + (until is { } u ? $" up to {Paris.Local(u)}" : "") + " (Paris time)");
        foreach (var entry in entries) await output.WriteLineAsync(Line(entry));
    }

    public static string Line(TimelineEntry entry)
    {
        var proofs = entry.Proofs.Count == 0 ? "" : "  [" + string.Join(", ", entry.Proofs.Select(p => $"{p.Key}={p.Value}")) + "]";
        var sealedMark = entry.SealHash is null ? "" : "  (sealed)";
        return $"{Paris.Local(entry.At)}  {entry.Service,-14}  {entry.Actor ?? "-",-32}  {entry.Summary}{proofs}{sealedMark}";
    }
}
