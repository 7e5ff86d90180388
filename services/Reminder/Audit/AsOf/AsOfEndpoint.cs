using Marten;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.LatePayment;

namespace Relance.ReminderService.Audit.AsOf;

/// <summary>GET /audit/cases/{companyId}/{customerId}/{currency}/as-of?at=… or ?version=…: the case as known then.</summary>
public static class AsOfEndpoint
{
    public static void MapCaseAsOf(this RouteGroupBuilder audit)
    {
        audit.MapGet("/cases/{companyId}/{customerId}/{currency}/as-of",
                async (string companyId, string customerId, string currency, DateTimeOffset? at, long? version,
                    IQuerySession session, LatePaymentLaw law, CancellationToken cancellation) =>
                {
                    if ((at is null) == (version is null))
                        return Results.ValidationProblem(
                            new Dictionary<string, string[]> { ["at"] = ["give either at (a moment, ISO 8601) or version (a stream version), one of the two"] },
                            title: "A moment or a version");
                    if (version < 1)
                        return Results.ValidationProblem(new Dictionary<string, string[]> { ["version"] = ["a stream version starts at 1"] });
                    var key = DunningCase.StreamKey(companyId, customerId, currency);
                    return await CaseAsOf.ReadAsync(session, key, at, version, law, cancellation) is { } view
                        ? Results.Ok(view)
                        : Results.Problem(title: "Not known then", statusCode: StatusCodes.Status404NotFound,
                            detail: $"The case {key} had no event " + (at is { } moment ? $"at or before {moment:O}." : $"at version {version}."));
                })
            .WithName("GetCaseAsOf")
            .WithSummary("A case as the Reminder service knew it at a past moment or version: state, invoices, amounts, penalties and indemnities owed then")
            .Produces<CaseAsOfView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
