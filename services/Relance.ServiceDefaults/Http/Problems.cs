using System.Text.Json;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;

namespace Relance.ServiceDefaults;

/// <summary>
/// Every error answers application/problem+json (RFC 9457): the ones endpoints return, the empty 401/403/404/405/415
/// of the framework (status code pages), a body that does not bind (400 naming the JSON path), a stale If-Match
/// (412), and any other exception (500, logged, without its stack trace).
/// </summary>
public static class Problems
{
    public static void AddRelanceProblems(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var http = context.HttpContext;
            context.ProblemDetails.Extensions["correlationId"] = Logging.CorrelationOf(http);
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status401Unauthorized => http.Request.Headers.Authorization.Count == 0
                    ? "Send a token: Authorization: Bearer <token>."
                    : "The bearer token is invalid, expired, or not meant for this API.",
                StatusCodes.Status403Forbidden => "Your roles do not allow this.",
                StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON (Content-Type: application/json).",
                _ => null,
            };
        });
        // A body that does not bind throws (rather than answering an empty 400), so that the answer can say where it is wrong.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<KnownExceptions>();
    }

    /// <summary>Before everything that may fail or answer an empty error.</summary>
    public static void UseRelanceProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
    }

    /// <summary>The exceptions that are the client's doing; any other is left to the default handler (500, logged).</summary>
    sealed class KnownExceptions(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellation)
        {
            var problem = exception switch
            {
                BadHttpRequestException { InnerException: JsonException json } => InvalidJson(json),
                BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Detail = bad.Message },
                _ when Find<ConcurrencyException>(exception) is { } conflict => await Stale(http, conflict, cancellation),
                _ => null,
            };
            if (problem is null) return false;
            http.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
        }

        static ProblemDetails InvalidJson(JsonException json)
        {
            var field = json.Path is null or "$" ? "$" : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path;
            // System.Text.Json appends "Path: … | LineNumber: …" to its message (the field already says where), and
            // names the .NET type it was building, which says nothing to a client.
            var message = json.Message.Split(" Path: ")[0];
            if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)) message = "this value is not of the expected type";
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body is not valid JSON for this endpoint",
                Detail = $"At {json.Path ?? "$"}: {message}",
            };
        }

        // The stream's current version is one cheap query: the client sees how far behind it is.
        static async Task<ProblemDetails> Stale(HttpContext http, ConcurrencyException conflict, CancellationToken cancellation)
        {
            var problem = new ProblemDetails
            {
                Status = StatusCodes.Status412PreconditionFailed,
                Title = "Changed since you read it",
                Detail = "The case changed since you read it (its version is no longer the one in If-Match): read it again, check your decision still holds, and send it with the new ETag.",
            };
            if (conflict.Id is string stream && http.RequestServices.GetService<IDocumentStore>() is { } store)
            {
                await using var session = store.QuerySession();
                // In the body only: the exception handler strips ETag (a cache header) from what it answers.
                if (await session.Events.FetchStreamStateAsync(stream, cancellation) is { } state)
                    problem.Extensions["currentVersion"] = state.Version;
            }
            return problem;
        }

        static T? Find<T>(Exception? exception) where T : Exception
        {
            for (; exception is not null; exception = exception.InnerException)
                if (exception is T found) return found;
            return null;
        }
    }
}
