using System.Text;
using System.Text.Json.Nodes;
using Marten;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.InvoiceDocuments;

namespace Relance.Correspondence.Tests;

/// <summary>This service's copy of an invoice's documents: announced once, each document's outcome recorded once.</summary>
[Trait("Category", "Unit")]
public class InvoiceDocumentsTests
{
    static readonly DateTimeOffset At = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    static readonly InvoiceDocumentsAnnounced Announced = new("ACME", "F-1",
        [
            new("invoice", "Facture F-1.pdf", "application/pdf", null),
            new("bank-details", "RIB.pdf", "application/pdf", "https://erp.example/rib.pdf"),
        ], At);
    static readonly InvoiceDocumentKept InvoiceKept = new(0, "aa11", 1200, At);

    static InvoiceDocumentSet? State(params object[] events) => events.Aggregate((InvoiceDocumentSet?)null, InvoiceDocumentsEvolution.Evolve);

    [Fact]
    public void Announced_with_the_contents_that_came_along_the_rest_pending()
    {
        var events = InvoiceDocumentsDecider.Announce(Announced, [InvoiceKept], null);
        Assert.Equal([Announced, InvoiceKept], events);
        var state = State([.. events])!;
        Assert.Equal("invoice-documents/ACME/F-1", state.Id);
        Assert.Equal([DocumentStatus.Kept, DocumentStatus.Pending], state.Documents.Select(d => d.Status));
    }

    [Fact]
    public void Announced_again_changes_nothing()
    {
        Assert.Empty(InvoiceDocumentsDecider.Announce(Announced, [InvoiceKept], State(Announced, InvoiceKept)));
    }

    [Fact]
    public void A_document_is_kept_or_failed_once_and_only_while_pending()
    {
        var state = State(Announced, InvoiceKept);
        var failed = new InvoiceDocumentFetchFailed(1, "https://erp.example/rib.pdf answered 404 Not Found", 1, At);
        Assert.Equal([failed], InvoiceDocumentsDecider.RecordFailure(failed, state));
        Assert.Empty(InvoiceDocumentsDecider.Keep(InvoiceKept, state));
        Assert.Empty(InvoiceDocumentsDecider.Keep(new InvoiceDocumentKept(1, "bb22", 10, At), State(Announced, InvoiceKept, failed)));
        Assert.Empty(InvoiceDocumentsDecider.Keep(new InvoiceDocumentKept(5, "bb22", 10, At), state));
        Assert.Empty(InvoiceDocumentsDecider.Keep(InvoiceKept, null));
        Assert.Equal("https://erp.example/rib.pdf answered 404 Not Found", State(Announced, InvoiceKept, failed)!.Documents[1].Failure);
    }

    [Fact]
    public void A_rendering_stored_before_attachments_reads_with_none()
    {
        var serializer = new StoreOptions().Serializer();
        // The event as stored before attachments: the same JSON without their two members.
        var json = JsonNode.Parse(serializer.ToJson(new CorrespondenceRendered("first-reminder/fr/v1", "Rappel", "MIME", "abc", At)))!.AsObject();
        foreach (var member in json.Select(p => p.Key).Where(k => k.Contains("attachments", StringComparison.OrdinalIgnoreCase)).ToList()) json.Remove(member);
        Assert.Equal(5, json.Count(p => p.Value is not null));
        var read = serializer.FromJson<CorrespondenceRendered>(new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString())));
        Assert.Empty(read.Attachments);
        Assert.Empty(read.MissingAttachments);
        Assert.Equal("MIME", read.Mime);
    }
}
