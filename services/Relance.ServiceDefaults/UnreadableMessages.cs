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
