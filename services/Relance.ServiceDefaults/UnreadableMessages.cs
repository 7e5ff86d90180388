using System.Runtime.Serialization;
using System.Text.Json;

namespace Relance.ServiceDefaults;

/// <summary>
/// Why a raw-JSON message from outside (an ERP, a postal provider) could not even be read, as a field-level reason
/// for the sender's rejection: MassTransit wraps the deserializer's <see cref="JsonException"/> in its own exceptions.
/// </summary>
public static class UnreadableMessages
{
    /// <summary>The field at fault ("$" for the whole body) and why; none when the failure is not a JSON one.</summary>
    public static (string Field, string Error)? ReasonOf(Exception? exception) =>
        Unreadable(exception) is { } json ? ReasonOf(json) : null;

    /// <summary>
    /// Why a body that failed to be read is refused when the failure itself names no JSON error: it is not a JSON object
    /// (e.g. the literal <c>null</c>, which the deserializer refuses with a bare InvalidOperationException). None when the
    /// body is a JSON object: the failure was something else (the database), to be retried, not refused.
    /// </summary>
    public static (string Field, string Error)? ReasonOf(Exception? exception, ReadOnlyMemory<byte> body)
    {
        if (ReasonOf(exception) is { } reason) return reason;
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? null
                : ("$", $"the body is not a valid JSON object: it is {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
        }
        catch (JsonException json)
        {
            return ReasonOf(json);
        }
    }

    static JsonException? Unreadable(Exception? exception) => exception switch
    {
        null => null,
        JsonException json => json,
        SerializationException or AggregateException or InvalidOperationException => Unreadable(exception.InnerException),
        _ => null,
    };

    static (string Field, string Error) ReasonOf(JsonException json)
    {
        var field = json.Path is null or "$" ? "$" : json.Path.TrimStart('$', '.');
        var detail = json.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.', ' ');
        return field == "$"
            ? ("$", $"the body is not a valid JSON object: {detail}")
            : (field, $"has the wrong type or format: {detail}");
    }
}
