using System.Collections.Immutable;
using System.Text.Json;
using Relance.CorrespondenceService.Correspondences;
using Relance.InvoiceService.Invoices;
using Relance.ReminderService.DunningCases;
using Relance.ServiceDefaults.Audit.Timeline;
using Reminder = Relance.ReminderService.DunningCases;

namespace Relance.Audit.Tests;

/// <summary>How the services' own events read in a timeline: serialized as Marten stores them (PascalCase JSON).</summary>
[Trait("Category", "Unit")]
public sealed class TimelineDescriptionTests
{
    static readonly DateTimeOffset Noon = new(2026, 5, 12, 12, 0, 0, TimeSpan.Zero);
    static readonly Guid FormalNotice = Guid.Parse("6f1b7c55-0000-4000-8000-000000000001");

    static StoredEvent Stored(string service, string stream, long sequence, object data, DateTimeOffset? at = null, string? actor = "system:test") =>
        new(service, stream, sequence, sequence, Snake(data.GetType().Name), at ?? Noon.AddSeconds(sequence), (at ?? Noon).AddSeconds(sequence), actor, null, null, null,
            JsonSerializer.SerializeToElement(data, data.GetType()));

    // Marten's event type names: the record's name in snake case.
    static string Snake(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    static CorrespondenceRequested Requested() => new(
        FormalNotice, "ACME/C-1/EUR", "ACME", "formal-notice", Channels.RegisteredLetter,
        new Recipient("C-1", "Dupont SARL", "compta@dupont.example") { ContactName = "Mme Martin" },
        [new ChasedInvoice("F-1", new DateOnly(2026, 2, 1), new DateOnly(2026, 3, 3), 1200m, "EUR")],
        new DateOnly(2026, 5, 12), Noon);

    [Fact]
    public void A_payment_reads_as_its_amount_allocated_in_the_invoice_currency()
    {
        var issued = Stored("invoice", "ACME/F-1", 1, new InvoiceIssued("ACME", "F-1", new InvoiceCustomer("C-1", "Dupont SARL", "x@y"),
            new DateOnly(2026, 2, 1), new DateOnly(2026, 3, 3), 1000m, 1200m, "EUR", Noon));
        var paid = Stored("invoice", "ACME/F-1", 2, new PaymentReceived("VIR-1", 1200m, new DateOnly(2026, 5, 20), 0m, Noon));

        var timeline = AuditTimeline.Describe([paid, issued]);

        Assert.Equal("invoice F-1 issued 2026-02-01 for 1,200.00 € incl. VAT, due 2026-03-03", timeline[0].Summary);
        Assert.Equal("payment of 1,200.00 € allocated (VIR-1, received 2026-05-20), 0.00 € still owed", timeline[1].Summary);
        Assert.Equal(["F-1"], timeline[1].Invoices);
    }

    [Fact]
    public void A_correspondence_event_takes_its_step_channel_and_invoices_from_its_request()
    {
        var requested = Stored("correspondence", FormalNotice.ToString(), 1, Requested());
        var queued = Stored("correspondence", FormalNotice.ToString(), 2, new LetterQueuedForPosting(Channels.RegisteredLetter, "Dupont SARL",
            new PostalAddress(["1 rue de la Paix"], "75002", "Paris", "FR"), "abc123", Noon));
        var posted = Stored("correspondence", FormalNotice.ToString(), 3, new CorrespondenceService.Correspondences.LetterPosted("1A01234567890", new DateOnly(2026, 5, 14), "postal:folder", Noon));
        var acknowledged = Stored("correspondence", FormalNotice.ToString(), 4, new CorrespondenceService.Correspondences.LetterReceiptAcknowledged(
            new DateOnly(2026, 5, 16), new AcknowledgmentCard("application/pdf", [1, 2, 3], "cafe01"), "postal:folder", Noon));

        var timeline = AuditTimeline.Describe([requested, queued, posted, acknowledged]);

        Assert.Equal("formal-notice requested by registered-letter to Mme Martin, Dupont SARL as of 2026-05-12, tone courteous", timeline[0].Summary);
        Assert.Equal("formal-notice sent by registered-letter to Dupont SARL, queued for posting", timeline[1].Summary);
        Assert.Equal("abc123", timeline[1].Proofs["contentSha256"]);
        Assert.Equal("registered-letter", timeline[1].Channel);
        Assert.Equal(["F-1"], timeline[1].Invoices);
        Assert.Equal("formal-notice posted 2026-05-14, tracking number 1A01234567890", timeline[2].Summary);
        Assert.Equal("1A01234567890", timeline[2].Proofs["trackingNumber"]);
        Assert.Equal("letter acknowledged 2026-05-16", timeline[3].Summary);
        Assert.Equal("2026-05-16", timeline[3].Proofs["acknowledgedOn"]);
        Assert.Equal("cafe01", timeline[3].Proofs["scanSha256"]);
        Assert.Equal("registered-letter", timeline[3].Channel);
    }

    [Fact]
    public void A_rendered_correspondence_proves_its_content_template_and_attachments()
    {
        var rendered = new CorrespondenceRendered("first-reminder/fr/v2", "Rappel", "MIME", "c0ffee", Noon)
        {
            TemplateSha256 = "7e3",
            Attachments = [new AttachedDocument("F-1", "invoice", "F-1.pdf", "application/pdf", "d0c", 10)],
        };

        var proofs = TimelineDescriptions.ProofsOf(JsonSerializer.SerializeToElement(rendered));

        Assert.Equal("c0ffee", proofs["contentSha256"]);
        Assert.Equal("7e3", proofs["templateSha256"]);
        Assert.Equal("first-reminder/fr/v2", proofs["template"]);
        Assert.Equal("d0c", proofs["attachment F-1.pdf"]);
    }

    [Fact]
    public void The_case_says_who_approved_a_step_and_what_a_reminder_claimed()
    {
        var requested = new ReminderRequested(FormalNotice, Guid.NewGuid(), "formal-notice", 8, Channels.RegisteredLetter,
            new ActionRecipient("C-1", "Dupont SARL", null, null, null, null, null, "postal address"),
            [new RemindedInvoice("F-1", new DateOnly(2026, 2, 1), new DateOnly(2026, 3, 3), 1200m, 6)], "formal notice due", Noon, Noon)
        {
            Claims = [new InvoiceClaim("F-1", 1200m, 70, 12.15m, "ECB + 10 points", 27.96m, 40m, "EUR")],
        };
        var caseKey = "ACME/C-1/EUR";
        var timeline = AuditTimeline.Describe(
        [
            Stored("reminder", caseKey, 1, new ActionApproved(Guid.NewGuid(), "formal-notice", "user:manager@acme.test", "go", Noon), actor: "user:manager@acme.test"),
            Stored("reminder", caseKey, 2, requested),
            Stored("reminder", caseKey, 3, new ReminderSent(FormalNotice, Channels.RegisteredLetter, "Dupont SARL", Noon, "abc")),
            Stored("reminder", caseKey, 4, new Reminder.LetterReceiptAcknowledged(FormalNotice, new DateOnly(2026, 5, 16), null, Noon)),
        ]);

        Assert.Equal("formal-notice approved by user:manager@acme.test", timeline[0].Summary);
        Assert.Equal("go", timeline[0].Reason);
        Assert.Equal("user:manager@acme.test", timeline[0].Actor);
        Assert.Equal("formal-notice (level 8) requested by registered-letter to Dupont SARL for F-1, claiming 27.96 € of late-payment penalties and 40.00 € of recovery indemnities",
            timeline[1].Summary);
        Assert.Equal("formal-notice sent by registered-letter to Dupont SARL", timeline[2].Summary);
        Assert.Equal(["F-1"], timeline[3].Invoices);
        Assert.Equal("formal-notice acknowledged 2026-05-16", timeline[3].Summary);
    }

    [Fact]
    public void An_event_is_dated_by_the_moment_it_states_not_by_its_deadlines()
    {
        var promised = new PaymentPromised(Guid.NewGuid(), 100m, new DateOnly(2026, 6, 1), Noon.AddDays(20), [], null, "user:carla", Noon);
        var bounced = new CorrespondenceBounced("x@y", "550", null, Noon.AddMinutes(-5), Noon);

        Assert.Equal(Noon, EventFields.Moment(JsonSerializer.SerializeToElement(promised)));
        Assert.Equal(Noon, EventFields.Moment(JsonSerializer.SerializeToElement(bounced)));
        Assert.Null(EventFields.Moment(JsonSerializer.SerializeToElement(new { Date = new DateOnly(2026, 5, 16) })));
    }

    [Fact]
    public void An_event_type_the_timeline_does_not_know_still_reads()
    {
        var stored = Stored("reminder", "ACME/C-1/EUR", 1, new { InvoiceNumber = "F-9" }) with { Type = "something_new_happened" };

        Assert.Equal("something new happened (F-9)", AuditTimeline.Describe([stored])[0].Summary);
    }

    [Fact]
    public void Events_of_the_same_moment_follow_when_they_were_stored_then_the_services_order_then_each_store_sequence()
    {
        StoredEvent At(string service, long sequence, DateTimeOffset at, DateTimeOffset stored) =>
            Stored(service, service, sequence, new { }, at) with { StoredAt = stored };
        var events = new[]
        {
            At("correspondence", 1, Noon, Noon.AddSeconds(1)),
            At("reminder", 9, Noon, Noon),
            At("reminder", 5, Noon, Noon),
            At("invoice", 40, Noon, Noon),
            At("reminder", 12, Noon, Noon.AddSeconds(2)),
            At("correspondence", 2, Noon.AddTicks(-1), Noon.AddDays(1)),
        };

        var order = TimelineOrder.Merge(events).Select(e => $"{e.Service}:{e.Sequence}");

        Assert.Equal(["correspondence:2", "invoice:40", "reminder:5", "reminder:9", "correspondence:1", "reminder:12"], order);
    }

    [Fact]
    public void An_invoice_timeline_keeps_the_case_events_naming_it_and_those_of_its_reminders()
    {
        var other = Guid.NewGuid();
        Reminder.ReminderRequested Asked(Guid id, string invoice) => new(id, Guid.NewGuid(), "first-reminder", 1, "email",
            new ActionRecipient("C-1", "Dupont SARL", null, "x@y", null, null, null, "billing"),
            [new RemindedInvoice(invoice, new DateOnly(2026, 2, 1), new DateOnly(2026, 3, 3), 10m, -1)], "due", Noon, Noon);
        var caseEvents = new List<StoredEvent>
        {
            Stored("reminder", "ACME/C-1/EUR", 1, new InvoiceJoinedCase("F-1", default, default, 10m, -1, [], Noon, false, "rule", Noon)),
            Stored("reminder", "ACME/C-1/EUR", 2, new InvoiceJoinedCase("F-2", default, default, 10m, -1, [], Noon, false, "rule", Noon)),
            Stored("reminder", "ACME/C-1/EUR", 3, Asked(FormalNotice, "F-1")),
            Stored("reminder", "ACME/C-1/EUR", 4, Asked(other, "F-2")),
            Stored("reminder", "ACME/C-1/EUR", 5, new ReminderSent(FormalNotice, "email", "x@y", Noon, "a")),
            Stored("reminder", "ACME/C-1/EUR", 6, new ReminderSent(other, "email", "x@y", Noon, "b")),
            Stored("reminder", "ACME/C-1/EUR", 7, new DunningCaseClosed("paid", Noon)),
        };

        var kept = AuditTimeline.AboutInvoice(caseEvents, "F-1").Select(e => e.Sequence);

        Assert.Equal([1L, 3L, 5L], kept);
    }
}
