using Relance.ReminderService.DunningCases.RecordingNotDelivered;

namespace Relance.ReminderService.DunningCases;

public static partial class DunningCaseDecider
{
    /// <summary>
    /// Each failure once per reminder and kind (a redelivered message records nothing); news of a reminder the case
    /// did not ask for records nothing. The address the email or SMS was sent to is avoided by the next steps of
    /// that channel, which go by the plan's fallback, until the ERP gives another.
    /// </summary>
    public static IReadOnlyList<object> Decide(RecordReminderNotDelivered command, DunningCase? state)
    {
        if (state?.Requested.Find(r => r.ReminderId == command.ReminderId) is not { } requested) return [];
        if (state.Undelivered.Exists(u => u.ReminderId == command.ReminderId && u.Kind == command.Kind)) return [];
        return [new ReminderNotDelivered(command.ReminderId, requested.Step, requested.Channel, command.Recipient, command.Kind, command.Reason,
            Avoided(requested, command.Recipient), command.At, command.Now)];
    }

    // The address as the case wrote to it (the Correspondence service reports SMS numbers normalised): the one it would use again.
    static string? Avoided(RequestedAction requested, string reported) => requested.Channel switch
    {
        "email" => (requested.Recipient?.Email ?? reported).ToLowerInvariant(),
        "sms" => requested.Recipient?.Phone ?? reported,
        _ => null,
    };
}
