using Relance.ReminderService.DunningCases.RecordingNotDelivered;
using Channels = Relance.Contracts.Correspondence.ReminderChannels;
using Kinds = Relance.Contracts.Correspondence.ReminderNotDeliveredKinds;

namespace Relance.ReminderService.DunningCases;

public static partial class DunningCaseDecider
{
    /// <summary>
    /// Each failure once per reminder and kind (a redelivered message records nothing); news of a reminder the case
    /// did not ask for records nothing. The address the reminder was written to is avoided by the next steps of its
    /// channel, which go by the plan's fallback, until the ERP gives another; only when the failure is about that
    /// address (<see cref="Avoids"/>).
    /// </summary>
    public static IReadOnlyList<object> Decide(RecordReminderNotDelivered command, DunningCase? state)
    {
        if (state?.Requested.Find(r => r.ReminderId == command.ReminderId) is not { } requested) return [];
        if (state.Undelivered.Exists(u => u.ReminderId == command.ReminderId && u.Kind == command.Kind)) return [];
        var written = WrittenTo(requested, command.Recipient);
        return [new ReminderNotDelivered(command.ReminderId, requested.Step, requested.Channel, command.Recipient, command.Kind, command.Reason,
            written is not null && Avoids(requested.Channel, command.Kind, command.Recipient, written) ? written : null, command.At, command.Now)];
    }

    /// <summary>
    /// Whether a failure reported on <paramref name="reported"/> makes the case avoid the address it wrote to: only an
    /// email that bounced or an SMS not delivered to that very address (a bounce of the account manager's copy says
    /// nothing of the customer's), and a letter returned for an unknown address. A refusal or an expiry is about the
    /// message or the provider, not the address: recorded on the trail, nothing avoided.
    /// </summary>
    public static bool Avoids(string channel, string kind, string reported, string written) => (channel, kind) switch
    {
        (Channels.Email, Kinds.Bounced or Kinds.DeliveryFailed) => string.Equals(reported.Trim(), written.Trim(), StringComparison.OrdinalIgnoreCase),
        (Channels.Sms, Kinds.Bounced or Kinds.DeliveryFailed) => Number(reported) is { } number && number == Number(written),
        // Only announced for a letter the post could not deliver to its address.
        (Channels.Letter or Channels.RegisteredLetter, Kinds.Returned) => true,
        _ => false,
    };

    // The address as the case wrote to it: the one it would use again. A reminder requested before the case kept its
    // recipient has only the reported address.
    static string? WrittenTo(RequestedAction requested, string reported) => requested.Channel switch
    {
        Channels.Email => (requested.Recipient?.Email ?? reported).ToLowerInvariant(),
        Channels.Sms => requested.Recipient?.Phone ?? reported,
        Channels.Letter or Channels.RegisteredLetter => requested.Recipient?.PostalAddress is { } address ? AddressKey(address) : null,
        _ => null,
    };

    /// <summary>A postal address as one comparable line: the same address written with other spaces or case is the same.</summary>
    public static string AddressKey(CasePostalAddress address) =>
        string.Join(", ", address.Lines.AddRange([address.PostalCode, address.City, address.Country])
            .Select(part => string.Join(' ', part.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant())
            .Where(part => part.Length > 0));

    // The Correspondence service reports numbers in E.164 ("+33612345678"); the ERP writes "06 12 34 56 78",
    // "+33 (0)6 12…", "0033 6…": the same number once reduced to its digits, French national numbers with +33.
    static string? Number(string written)
    {
        var digits = new string([.. written.Replace("(0)", "").Where(c => char.IsAsciiDigit(c) || c == '+')]);
        return digits switch
        {
            ['+', .. var rest] when rest.All(char.IsAsciiDigit) && rest.Length > 0 => digits,
            ['0', '0', .. var rest] when rest.All(char.IsAsciiDigit) && rest.Length > 0 => $"+{rest}",
            ['0', .. var rest] when rest.Length == 9 && rest.All(char.IsAsciiDigit) => $"+33{rest}",
            _ => null,
        };
    }
}
