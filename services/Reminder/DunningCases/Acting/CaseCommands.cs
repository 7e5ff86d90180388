using System.Security.Claims;
using Marten;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.Acting;

/// <summary>
/// How a person's command reaches a case over HTTP (the company scope is checked before, for every route naming a
/// company): the request's fields are checked, the person names the version of the case they decided on (If-Match),
/// and the decision is appended only on that version, attributed to them. A
/// refusal names the field; nothing is appended. A repeated request after success finds a newer version (412):
/// a retry never acts twice.
/// </summary>
public static class CaseCommands
{
    public delegate IReadOnlyList<object> Decision(DunningCase state, ClaimsPrincipal user, DateTimeOffset now);

    public static async Task<IResult> ActAsync(
        HttpContext http, string companyId, string customerId, string currency, Problems problems, Decision decide,
        Func<IReadOnlyList<object>, object?>? answer = null)
    {
        if (problems.Result is { } bad) return bad;
        if (!HttpConcurrency.TryGetExpectedVersion(http.Request, out var expected, out var problem)) return problem!;

        var services = http.RequestServices;
        var session = services.GetRequiredService<IDocumentSession>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var cancellation = http.RequestAborted;
        var caseId = DunningCase.StreamKey(companyId, customerId, currency);
        if (await session.LoadAsync<DunningCase>(caseId, cancellation) is null)
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"no dunning case {caseId}");

        session.AttributeTo(http);
        IReadOnlyList<object> events;
        try
        {
            events = await session.DecideAsync<DunningCase>(caseId, expected, state => decide(state!, http.User, now), cancellation);
        }
        catch (CaseCommandRefused refused) when (refused.Status == StatusCodes.Status400BadRequest)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [refused.Field] = [refused.Message] });
        }
        catch (CaseCommandRefused refused)
        {
            return Results.Problem(statusCode: refused.Status, title: refused.Status == 409 ? "Conflict" : "Forbidden", detail: refused.Message,
                extensions: new Dictionary<string, object?> { ["field"] = refused.Field });
        }
        var version = expected + events.Count;
        HttpConcurrency.SetETag(http.Response, version);
        return Results.Ok(new
        {
            caseId,
            version,
            recorded = events.Select(e => e.GetType().Name),
            result = answer?.Invoke(events),
        });
    }

    /// <summary>Field-level problems found in a request before the case is read.</summary>
    public sealed class Problems
    {
        readonly Dictionary<string, string[]> _problems = [];
        public Problems Require(bool ok, string field, string message)
        {
            if (!ok) _problems[field] = [.. _problems.GetValueOrDefault(field, []), message];
            return this;
        }
        public Problems Reason(string? reason, string field = "reason") => Require(!string.IsNullOrWhiteSpace(reason), field, "required: why");
        public IResult? Result => _problems.Count == 0 ? null : Results.ValidationProblem(_problems);
    }

    public static bool Has(this ClaimsPrincipal user, params string[] roles) => roles.Any(user.IsInRole);
}
