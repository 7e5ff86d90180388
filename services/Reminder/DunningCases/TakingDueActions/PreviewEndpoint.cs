using System.Globalization;
using System.Text.Json;
using Marten;
using Relance.ServiceDefaults;
using Relance.ReminderService.LatePayment;

namespace Relance.ReminderService.DunningCases.TakingDueActions;

/// <summary>One action a run would take (or took), in a form a person can read and a test can compare.</summary>
public sealed record PlannedAction(string CaseId, string Decision, string Step, int Level, string? Channel, IReadOnlyList<string> Invoices, decimal Total, string Reason)
{
    public static IEnumerable<PlannedAction> From(string caseId, IEnumerable<object> events) => events.Select(e => e switch
    {
        ReminderRequested r => new PlannedAction(caseId, nameof(ReminderRequested), r.Step, r.Level, r.Channel, Numbers(r.Invoices), r.Invoices.Sum(i => i.Outstanding), r.Reason),
        StepBlocked b => new PlannedAction(caseId, nameof(StepBlocked), b.Step, b.Level, null, Numbers(b.Invoices), b.Invoices.Sum(i => i.Outstanding), b.Reason),
        StepSkipped s => new PlannedAction(caseId, nameof(StepSkipped), s.Step, s.Level, null, Numbers(s.Invoices), s.Invoices.Sum(i => i.Outstanding), s.Reason),
        ActionAwaitingApproval a => new PlannedAction(caseId, nameof(ActionAwaitingApproval), a.Step, a.Level, null, Numbers(a.Invoices), a.Total, a.Reason),
        CaseHandedToLitigation l => new PlannedAction(caseId, nameof(CaseHandedToLitigation), l.Step, l.Level, "litigation", Numbers(l.Invoices), l.Invoices.Sum(i => i.Outstanding), l.Reason),
        _ => new PlannedAction(caseId, e.GetType().Name, "", 0, null, [], 0, ""),
    });

    static IReadOnlyList<string> Numbers(IEnumerable<RemindedInvoice> invoices) => [.. invoices.Select(i => i.InvoiceNumber)];
}

public static class PreviewEndpoint
{
    /// <summary>
    /// GET /preview?at=…&amp;companyId=…: what a run would do at that moment (now by default), without doing it. Every
    /// company's cases only for a user of every company ("*"); anyone else names one of theirs.
    /// </summary>
    public static void MapPreview(this IEndpointRouteBuilder app) =>
        app.MapGet("/preview", async (string? at, string? companyId, int? limit, HttpContext http, IDocumentStore store, LatePaymentLaw law, TimeProvider clock, CancellationToken cancellation) =>
            {
                if (companyId is null && !http.User.MayActForAll())
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["companyId"] = [$"required: one of your companies ({string.Join(", ", http.User.Companies())})"] });
                if (companyId is not null && !http.User.MayActFor(companyId)) return CompanyScope.Forbidden(companyId);
                return Moment(at, clock) is { } moment
                    ? Results.Ok(await RunAsync(store, law, moment, companyId, limit ?? 10_000, cancellation))
                    : Results.ValidationProblem(new Dictionary<string, string[]> { ["at"] = [$"'{at}' is neither a date (2026-12-01) nor a moment (2026-12-01T09:00:00+01:00)"] });
            })
            .WithTags("Preview")
            .WithName("Preview")
            .WithSummary("What a dunning run would do at that moment (now by default), without doing it")
            .RequireAuthorization(RelancePolicies.Read)
            .Produces<IReadOnlyList<PlannedAction>>()
            .ProducesValidationProblem();

    /// <summary>A moment as given; a date alone means that day's run at 10:00 in Paris, within every plan's sending hours by default.</summary>
    public static DateTimeOffset? Moment(string? at, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(at)) return clock.GetUtcNow();
        if (DateOnly.TryParseExact(at, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DunningPlans.PlanClock().At(day, new TimeOnly(10, 0));
        return DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out var moment) ? moment : null;
    }

    public static async Task<IReadOnlyList<PlannedAction>> RunAsync(
        IDocumentStore store, LatePaymentLaw law, DateTimeOffset at, string? companyId, int limit, CancellationToken cancellation) =>
        [.. (await Preview.DecideDueAsync(store, at, law, limit, null, cancellation, companyId)).SelectMany(d => d.Error is { } error
            ? [new PlannedAction(d.CaseId, "Error", "", 0, null, [], 0, $"cannot be decided: {error.Message}")]
            : PlannedAction.From(d.CaseId, d.Events))];

    /// <summary>
    /// The command line: <c>Relance.Reminder preview [--at 2026-12-01T09:00+01:00] [--company ACME] [--limit N]</c>,
    /// with the service's configuration (its database): prints the actions as JSON lines and starts nothing.
    /// </summary>
    public static async Task<int> RunCommandLineAsync(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var at = Moment(Option("--at"), TimeProvider.System) ?? throw new ArgumentException($"--at '{Option("--at")}' is neither a date nor a moment");
        var limit = Option("--limit") is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : 100_000;
        var app = ReminderApp.Build([.. args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('='))]);
        var actions = await RunAsync(app.Services.GetRequiredService<IDocumentStore>(), app.Services.GetRequiredService<LatePaymentLaw>(),
            at, Option("--company"), limit, CancellationToken.None);
        foreach (var action in actions) Console.WriteLine(JsonSerializer.Serialize(action, JsonSerializerOptions.Web));
        Console.Error.WriteLine($"{actions.Count} actions would be taken at {at:O}");
        return 0;
    }
}
