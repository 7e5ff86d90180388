namespace Relance.CorrespondenceService.Correspondences.SendingReminder;

/// <summary>
/// Hands a rendered correspondence to the provider of its channel (an SMTP server, an SMS gateway), and answers
/// whether the provider already has it, by the correspondence id (the provider's idempotency key or client reference).
/// </summary>
public interface IChannelAdapter
{
    string Channel { get; }

    /// <summary>Accepted or refused; throws <see cref="DispatchOutcomeAmbiguousException"/> when the provider may or may not have it.</summary>
    Task<SendOutcome> SendAsync(Correspondence correspondence, CancellationToken cancellation);

    Task<DispatchLookup> LookupAsync(Correspondence correspondence, CancellationToken cancellation);
}

public abstract record SendOutcome
{
    public sealed record Accepted(string ProviderMessageId, string Response) : SendOutcome;

    /// <param name="Permanent">Sending it again would be refused again (an SMTP 5xx, a gateway's 4xx).</param>
    public sealed record Refused(string Reason, bool Permanent) : SendOutcome;
}

/// <summary>The provider may have the message or not (the connection dropped after the data left, a timeout): ask it before sending again.</summary>
public sealed class DispatchOutcomeAmbiguousException(string message, Exception? inner = null) : Exception(message, inner);
