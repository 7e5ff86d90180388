namespace Relance.CorrespondenceService.InvoiceDocuments;

/// <summary>Pure decisions on an invoice's documents: announced once, and each one's outcome recorded once.</summary>
public static class InvoiceDocumentsDecider
{
    /// <param name="kept">The documents whose content came with the announcement.</param>
    public static IReadOnlyList<object> Announce(InvoiceDocumentsAnnounced announced, IReadOnlyList<InvoiceDocumentKept> kept, InvoiceDocumentSet? state) =>
        state is null ? [announced, .. kept] : [];

    public static IReadOnlyList<object> Keep(InvoiceDocumentKept kept, InvoiceDocumentSet? state) =>
        IsPending(state, kept.Position) ? [kept] : [];

    public static IReadOnlyList<object> RecordFailure(InvoiceDocumentFetchFailed failed, InvoiceDocumentSet? state) =>
        IsPending(state, failed.Position) ? [failed] : [];

    static bool IsPending(InvoiceDocumentSet? state, int position) =>
        state is not null && position < state.Documents.Count && state.Documents[position].Status == DocumentStatus.Pending;
}
