using System.Security.Cryptography;
using Relance.ServiceDefaults;
using Postal = Relance.Contracts.Postal;

namespace Relance.CorrespondenceService.Correspondences.TrackingLetter;

/// <summary>Record what the postal service says happened to a letter.</summary>
/// <param name="Update">One of <see cref="LetterUpdates"/>.</param>
/// <param name="Source">Who told: postal:&lt;provider&gt; for a message, user:&lt;name&gt; for the API.</param>
public sealed record TrackLetter(
    string CorrespondenceId,
    string Update,
    DateOnly On,
    string? TrackingNumber,
    string? ReturnReason,
    DateOnly? FirstPresentedOn,
    AcknowledgmentCard? Card,
    string Source,
    DateTimeOffset Now);

public static class LetterUpdates
{
    public const string Posted = "posted", Delivered = "delivered", Acknowledged = "acknowledged", Returned = "returned";
    public static readonly IReadOnlyList<string> All = [Posted, Delivered, Acknowledged, Returned];
}

/// <summary>Turns a tracking body (message or HTTP) into <see cref="TrackLetter"/>, or refuses it with every field that is wrong.</summary>
public static class LetterTrackingValidation
{
    public const int MaxCardBytes = 5 * 1024 * 1024;
    static readonly string[] CardMediaTypes = ["application/pdf", "image/jpeg", "image/png"];

    /// <param name="today">The service's day: a date after it (a day's slack for time zones) is refused.</param>
    public static TrackLetter ToCommand(Postal.LetterTracked body, string source, DateOnly today, DateTimeOffset now)
    {
        var reasons = new List<(string Field, string Error)>();
        if (string.IsNullOrWhiteSpace(body.CorrespondenceId)) reasons.Add(("correspondenceId", "required: the correspondenceId of the letter's manifest"));
        var update = body.Update?.Trim().ToLowerInvariant();
        if (update is null || !LetterUpdates.All.Contains(update))
            reasons.Add(("update", $"must be one of {string.Join(", ", LetterUpdates.All)}; was '{body.Update}'"));
        if (body.Date is not { } on) reasons.Add(("date", "required: the day it happened (YYYY-MM-DD)"));
        else if (on > today.AddDays(1)) reasons.Add(("date", $"{on:yyyy-MM-dd} is in the future"));

        var tracking = string.IsNullOrWhiteSpace(body.TrackingNumber) ? null : body.TrackingNumber.Trim();
        if (tracking is { Length: > 64 }) reasons.Add(("trackingNumber", "at most 64 characters"));
        if (update == LetterUpdates.Posted && tracking is null) reasons.Add(("trackingNumber", "required when posted"));

        var returnReason = body.ReturnReason?.Trim().ToLowerInvariant();
        if (update == LetterUpdates.Returned)
        {
            if (returnReason is null || !ReturnReasons.All.Contains(returnReason))
                reasons.Add(("returnReason", $"must be one of {string.Join(", ", ReturnReasons.All)} when returned; was '{body.ReturnReason}'"));
            if (returnReason == ReturnReasons.Unclaimed && body.FirstPresentedOn is null)
                reasons.Add(("firstPresentedOn", "required for an unclaimed letter: the day it was presented and a notice left, when it counts as received"));
            if (body.FirstPresentedOn is { } presented && body.Date is { } returned && presented > returned)
                reasons.Add(("firstPresentedOn", "must not be after the date it was returned"));
        }
        else
        {
            if (body.ReturnReason is not null) reasons.Add(("returnReason", "only with returned"));
            if (body.FirstPresentedOn is not null) reasons.Add(("firstPresentedOn", "only with returned"));
        }

        AcknowledgmentCard? card = null;
        if (body.AcknowledgmentCard is { } scanned)
        {
            if (update != LetterUpdates.Acknowledged) reasons.Add(("acknowledgmentCard", "only with acknowledged"));
            var mediaType = scanned.MediaType?.Trim().ToLowerInvariant();
            if (mediaType is null || !CardMediaTypes.Contains(mediaType))
                reasons.Add(("acknowledgmentCard.mediaType", $"must be one of {string.Join(", ", CardMediaTypes)}; was '{scanned.MediaType}'"));
            var content = Decode(scanned.ContentBase64);
            if (content is null) reasons.Add(("acknowledgmentCard.contentBase64", "required: the scanned card, base64-encoded"));
            else if (content.Length is 0 or > MaxCardBytes) reasons.Add(("acknowledgmentCard.contentBase64", $"must hold 1 byte to {MaxCardBytes / (1024 * 1024)} MB; held {content.Length} bytes"));
            if (mediaType is not null && content is { Length: > 0 }) card = new AcknowledgmentCard(mediaType, content, Convert.ToHexStringLower(SHA256.HashData(content)));
        }
        if (reasons.Count > 0) throw new MessageRejectedException(reasons);
        return new TrackLetter(body.CorrespondenceId!.Trim(), update!, body.Date!.Value, tracking, update == LetterUpdates.Returned ? returnReason : null,
            body.FirstPresentedOn, card, source, now);
    }

    static byte[]? Decode(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64)) return null;
        try { return Convert.FromBase64String(base64); }
        catch (FormatException) { return null; }
    }
}
