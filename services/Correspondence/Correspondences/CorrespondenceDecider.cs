namespace Relance.CorrespondenceService.Correspondences;

/// <summary>
/// Pure decisions on a correspondence. Intent is recorded before anything leaves (requested, then rendered
/// with the exact bytes), so that a repeated request never renders or sends a second, different document.
/// </summary>
public static class CorrespondenceDecider
{
    public static IReadOnlyList<object> Request(CorrespondenceRequested request, Correspondence? state) =>
        state is null ? [request] : [];

    public static IReadOnlyList<object> Render(CorrespondenceRendered rendered, Correspondence? state) =>
        state is { Rendered: null } ? [rendered] : [];

    public static IReadOnlyList<object> RecordSent(CorrespondenceSent sent, Correspondence? state) =>
        state is { Rendered: not null, Sent: null } ? [sent] : [];

    public static IReadOnlyList<object> RecordFailure(CorrespondenceSendingFailed failed, Correspondence? state) =>
        state is { Sent: null } ? [failed] : [];
}
