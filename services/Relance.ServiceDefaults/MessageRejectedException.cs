namespace Relance.ServiceDefaults;

/// <summary>
/// Thrown by a consumer for a message that can never be accepted as it is. Never retried: the message goes
/// straight to its error queue, and the reasons are answered to the sender.
/// </summary>
public sealed class MessageRejectedException(IReadOnlyList<(string Field, string Error)> reasons)
    : Exception(string.Join("; ", reasons.Select(r => $"{r.Field}: {r.Error}")))
{
    public IReadOnlyList<(string Field, string Error)> Reasons { get; } = reasons;
}
