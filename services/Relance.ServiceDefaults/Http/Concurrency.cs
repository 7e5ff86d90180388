using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Relance.ServiceDefaults;

/// <summary>
/// Optimistic concurrency over HTTP: a GET answers the stream's version as a strong ETag; a change that must not
/// act on a stale view sends it back in If-Match, and is appended only if the stream is still at that version
/// (else 412, see <see cref="Problems"/>).
/// </summary>
public static class HttpConcurrency
{
    public static string ETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void SetETag(HttpResponse response, long version) => response.Headers.ETag = ETag(version);

    /// <summary>Documents an endpoint that reads If-Match with <see cref="TryGetExpectedVersion"/>: the header in the OpenAPI document, and its 400, 412 and 428.</summary>
    public static RouteHandlerBuilder RequiresIfMatch(this RouteHandlerBuilder endpoint) => endpoint
        .WithMetadata(new IfMatchRequired())
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired);

    /// <summary>Endpoint metadata: the endpoint needs If-Match (see <see cref="RequiresIfMatch"/>).</summary>
    public sealed class IfMatchRequired;

    /// <summary>
    /// The version the client last saw, from If-Match. Missing: 428 Precondition Required; "*", a weak or a
    /// malformed ETag, or several: 400. Returns false with the problem to answer.
    /// </summary>
    public static bool TryGetExpectedVersion(HttpRequest request, out long expectedVersion, out IResult? problem)
    {
        expectedVersion = 0;
        problem = null;
        var values = request.Headers.IfMatch;
        if (values.Count == 0 || values.All(string.IsNullOrWhiteSpace))
        {
            problem = Results.Problem(
                title: "If-Match required",
                detail: "Send the ETag of the state you decided on in If-Match (GET it first), so that a change made meanwhile is not overridden.",
                statusCode: StatusCodes.Status428PreconditionRequired);
            return false;
        }
        if (!EntityTagHeaderValue.TryParseStrictList(values, out var tags) || tags.Count != 1
            || tags[0] is not { IsWeak: false } tag || tag.Equals(EntityTagHeaderValue.Any)
            || !long.TryParse(tag.Tag.AsSpan(1, tag.Tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out expectedVersion))
        {
            expectedVersion = 0;
            problem = Results.ValidationProblem(
                new Dictionary<string, string[]> { ["If-Match"] = [$"'{values}' is not one strong ETag as a GET returns it (e.g. \"12\"); \"*\" and weak ETags are refused"] },
                title: "If-Match is not an ETag of this API",
                statusCode: StatusCodes.Status400BadRequest);
            return false;
        }
        return true;
    }
}
