using System.Security.Cryptography;
using System.Text;
using Marten;
using Relance.CorrespondenceService.Correspondences.RecordingBounces;
using Relance.ServiceDefaults;
using Messages = Relance.Contracts.Correspondence;

namespace Relance.CorrespondenceService.Correspondences.ProviderCallbacks;

/// <summary>
/// What providers call back: the mail system's bounces and the SMS gateway's delivery reports. Machines, not users:
/// no bearer token, but a shared secret in <see cref="SecretHeader"/>, one per caller, from the configuration.
/// </summary>
public static class Callbacks
{
    public const string SecretHeader = "X-Relance-Secret";

    public sealed record DeliveryReport(string? ClientReference, string? Id, string? Status, string? Detail, DateTimeOffset? At);

    public static void MapProviderCallbacks(this IEndpointRouteBuilder app, string? bounceSecret, string? smsSecret)
    {
        app.MapPost("/correspondences/bounces", async (Messages.EmailBounced bounce, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
            {
                if (Refused(http, bounceSecret, "Correspondence:Bounces:Secret") is { } refused) return refused;
                try
                {
                    var (id, bounced) = Bounces.Check(bounce, clock.GetUtcNow());
                    if (await session.LoadAsync<Correspondence>(id, cancellation) is null)
                        return Results.Problem($"no correspondence {id}", statusCode: StatusCodes.Status404NotFound);
                    session.Attribute("system:mail-bounces", Logging.CorrelationOf(http), null);
                    var recorded = await Bounces.Record(session, id, bounced, cancellation);
                    await session.SaveChangesAsync(cancellation);
                    return Results.Ok(new { correspondenceId = id, recorded });
                }
                catch (MessageRejectedException rejected)
                {
                    return Results.ValidationProblem(rejected.Reasons.GroupBy(r => r.Field).ToDictionary(g => g.Key, g => g.Select(r => r.Error).ToArray()));
                }
            })
            .AllowAnonymous().WithTags("Provider callbacks").WithName("ReportEmailBounce")
            .WithSummary($"A bounce from the mail system (as the relance.email.bounced message), with the shared secret in {SecretHeader}")
            .WithDescription($"No bearer token: the mail system sends {SecretHeader} with Correspondence:Bounces:Secret.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        app.MapPost("/sms/delivery-reports", async (DeliveryReport report, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken cancellation) =>
            {
                if (Refused(http, smsSecret, "Correspondence:Sms:CallbackSecret") is { } refused) return refused;
                var problems = new Dictionary<string, string[]>();
                if (string.IsNullOrWhiteSpace(report.ClientReference)) problems["clientReference"] = ["required: the client reference the SMS was sent with"];
                if (string.IsNullOrWhiteSpace(report.Id)) problems["id"] = ["required: the gateway's message id"];
                var status = report.Status?.Trim().ToLowerInvariant() switch
                {
                    "delivered" => DeliveryStatuses.Delivered,
                    "failed" or "undelivered" or "expired" or "rejected" => DeliveryStatuses.Failed,
                    _ => null,
                };
                if (status is null) problems["status"] = [$"must be delivered, or failed (undelivered, expired, rejected); was '{report.Status}'"];
                if (problems.Count > 0) return Results.ValidationProblem(problems);

                var id = report.ClientReference!.Trim();
                var found = await session.LoadAsync<Correspondence>(id, cancellation);
                if (found is not { Request.Channel: Channels.Sms }) return Results.Problem($"no SMS of client reference {id}", statusCode: StatusCodes.Status404NotFound);
                var now = clock.GetUtcNow();
                session.Attribute("system:sms-gateway", Logging.CorrelationOf(http), null);
                try
                {
                    var events = await session.DecideAsync<Correspondence>(id,
                        s => CorrespondenceDecider.RecordDeliveryReport(new DeliveryReported(report.Id!.Trim(), status!, report.Detail, report.At ?? now, now), s), cancellation);
                    return Results.Ok(new { correspondenceId = id, recorded = events.Count > 0 });
                }
                catch (MessageRejectedException rejected)
                {
                    return Results.ValidationProblem(rejected.Reasons.GroupBy(r => r.Field).ToDictionary(g => g.Key, g => g.Select(r => r.Error).ToArray()));
                }
            })
            .AllowAnonymous().WithTags("Provider callbacks").WithName("ReportSmsDelivery")
            .WithSummary($"The SMS gateway's delivery report, with the shared secret in {SecretHeader}")
            .WithDescription($"No bearer token: the gateway sends {SecretHeader} with Correspondence:Sms:CallbackSecret.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    static IResult? Refused(HttpContext http, string? secret, string setting)
    {
        if (string.IsNullOrEmpty(secret))
            return Results.Problem($"{setting} is not set: this callback is closed", statusCode: StatusCodes.Status503ServiceUnavailable);
        var sent = http.Request.Headers[SecretHeader].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(secret)) ? null
            : Results.Problem($"send the shared secret in {SecretHeader}", title: "Not the expected caller", statusCode: StatusCodes.Status401Unauthorized);
    }
}
