using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Relance.Cli.Timeline;
using Relance.ReminderService.Audit.AsOf;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.LatePayment;
using Relance.ServiceDefaults.Audit.Timeline;

namespace Relance.Cli.AsOf;

/// <summary>
/// <c>relance audit as-of --case ACME/C-1/EUR (--at ts | --version n) [--json]</c>: the case as the Reminder service
/// knew it then, the same as GET /audit/cases/…/as-of.
/// </summary>
public static class AsOfCommand
{
    public static void Register(CliContext context, Command audit, Command projections, Command privacy)
    {
        var @case = new Option<string>("--case") { Description = "The dunning case: company/customer/currency, e.g. ACME/C-1/EUR", Required = true };
        var at = new Option<string?>("--at") { Description = "The moment (ISO 8601; UTC when no offset)" };
        var version = new Option<long?>("--version") { Description = "The case stream's version" };
        var law = new Option<string?>("--late-payment-law") { Description = "The legal rates file (default: the one shipped with the Reminder service)" };
        var json = new Option<bool>("--json") { Description = "Write the state as JSON (as the HTTP API answers it)" };
        var command = new Command("as-of", "A case as known at a past moment or version: its state, invoices, amounts, penalties and indemnities owed then.")
        {
            @case, at, version, law, json,
        };
        command.SetAction(async (parsed, cancellation) =>
        {
            if (TimelineCommand.Subject(parsed.GetValue(@case), null, null).Subject is not AuditSubject.Case subject)
                throw new CliException("--case is company/customer/currency.");
            var moment = Paris.Parse(parsed.GetValue(at), "--at");
            var asked = parsed.GetValue(version);
            if ((moment is null) == (asked is null)) throw new CliException("Say when: one of --at <moment> or --version <n>.");
            if (asked < 1) throw new CliException("--version starts at 1 (a stream's first event).");
            await using var store = context.Stores.Open(parsed, StoreName.Reminder);
            await using var session = store.QuerySession();
            var view = await CaseAsOf.ReadAsync(session, DunningCase.StreamKey(subject.CompanyId, subject.CustomerId, subject.Currency), moment, asked,
                    LoadLaw(parsed.GetValue(law)), cancellation)
                ?? throw new CliException($"The case {parsed.GetValue(@case)} had no event " + (moment is { } m ? $"at or before {m:O}." : $"at version {asked}."));
            if (parsed.GetValue(json)) await CliJson.WriteAsync(context.Output, view);
            else await WriteTextAsync(context.Output, view);
            return 0;
        });
        audit.Subcommands.Add(command);
    }

    static LatePaymentLaw LoadLaw(string? path)
    {
        path ??= Path.Combine(AppContext.BaseDirectory, "late-payment-law.json");
        if (!File.Exists(path)) throw new CliException($"The legal rates file {path} is missing: give --late-payment-law <file> (services/Reminder/late-payment-law.json).");
        return new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path)).Build().GetSection("LatePaymentLaw").Get<LatePaymentLaw>()
            ?? throw new CliException($"{path} has no LatePaymentLaw section.");
    }

    static async Task WriteTextAsync(TextWriter output, CaseAsOfView view)
    {
        string Money(decimal amount) => EventFields.Money(amount, view.Currency);
        var asked = view.At is { } at ? $"at {Paris.Local(at)} (Paris)" : $"at version {view.Version}";
        var last = view.LastEventApplied;
        await output.WriteLineAsync($"Case {view.CaseId} as known {asked}: version {last.Version} of {view.CurrentVersion} ({view.EventsNotYetKnown} events not yet known then)");
        await output.WriteLineAsync($"Last event applied: v{last.Version} {last.Type} at {Paris.Local(last.At)}");
        await output.WriteLineAsync($"Status: {view.Status}; plan {view.Plan ?? "none"}; level {(view.Level is { } level ? $"{level.Level} {level.Step}" : "none yet")}"
            + (view.AwaitingApproval is { } approval ? $"; {approval.Step} awaiting approval since {Paris.Local(approval.Since)}" + (approval.Approved ? " (approved)" : "") : ""));
        await output.WriteLineAsync($"Invoices owed on {view.OwedOn:yyyy-MM-dd}:");
        foreach (var i in view.Invoices)
            await output.WriteLineAsync($"  {i.InvoiceNumber}  issued {i.IssueDate:yyyy-MM-dd}  due {i.DueDate:yyyy-MM-dd}  {Money(i.Outstanding)}  {i.DaysLate} days late"
                + $"  step {i.Step ?? "none"}"
                + (i.Penalty is { } penalty ? $"  penalty {Money(penalty)} ({i.PenaltyRatePercent?.ToString("0.##", CultureInfo.InvariantCulture)} %)" : "")
                + (i.RecoveryIndemnity is { } indemnity ? $"  indemnity {EventFields.Money(indemnity, i.IndemnityCurrency)}" : "")
                + (i.OpenDisputes.Count > 0 ? $"  disputed ({string.Join(", ", i.OpenDisputes)})" : ""));
        await output.WriteLineAsync($"Total owed: {Money(view.TotalOutstanding)}, penalties {Money(view.TotalPenalties)}, recovery indemnities {EventFields.Money(view.TotalRecoveryIndemnities, view.IndemnityCurrency ?? view.Currency)}"
            + (view.PenaltiesNote is { } note ? $" ({note})" : ""));
        await output.WriteLineAsync(view.Reminders.Count == 0 ? "Reminders: none yet" : $"Reminders ({view.Reminders.Count}):");
        foreach (var r in view.Reminders)
            await output.WriteLineAsync($"  {Paris.Local(r.RequestedAt)}  level {r.Level} {r.Step} by {r.Channel}: "
                + (r.SentAt is { } sent ? $"sent {Paris.Local(sent)}, contentSha256={r.ContentSha256}" : r.Channel == "phone" ? "a call for a person to make" : "not sent yet"));
        if (view.LastClaims is { } claims)
            await output.WriteLineAsync($"Last claims: {claims.Step} of {Paris.Local(claims.RequestedAt)}: penalties {Money(claims.Penalties)}, recovery indemnities {EventFields.Money(claims.RecoveryIndemnities, claims.Claims.FirstOrDefault()?.IndemnityCurrency)}");
        foreach (var letter in view.Letters)
            await output.WriteLineAsync($"Letter {letter.Step} ({letter.Channel}): "
                + string.Join(", ", new[] { letter.PostedOn is { } p ? $"posted {p:yyyy-MM-dd}" : null, letter.DeliveredOn is { } d ? $"delivered {d:yyyy-MM-dd}" : null,
                    letter.AcknowledgedOn is { } a ? $"acknowledged {a:yyyy-MM-dd}" : null, letter.Returned is { } ret ? $"returned {ret.ReturnedOn:yyyy-MM-dd} ({ret.Reason})" : null }
                    .Where(x => x is not null).DefaultIfEmpty("requested, no tracking yet")));
    }
}
