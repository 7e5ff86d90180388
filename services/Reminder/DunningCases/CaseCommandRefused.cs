namespace Relance.ReminderService.DunningCases;

/// <summary>
/// A person's command the case cannot take as it stands: a field that does not fit the case (an invoice it does
/// not hold, an amount above what is owed) or a state that forbids it (no such call, a promise already in force).
/// Nothing is appended; the endpoint answers with a problem naming the field.
/// </summary>
public sealed class CaseCommandRefused(string field, string message, int status) : Exception(message)
{
    public string Field { get; } = field;

    /// <summary>400: the input does not fit the case; 409: the case's state forbids it; 403: the person may not.</summary>
    public int Status { get; } = status;

    public static CaseCommandRefused Input(string field, string message) => new(field, message, 400);
    public static CaseCommandRefused State(string field, string message) => new(field, message, 409);
    public static CaseCommandRefused Forbidden(string field, string message) => new(field, message, 403);
}
