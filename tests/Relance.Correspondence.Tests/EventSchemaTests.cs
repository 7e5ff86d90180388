using System.Text;
using System.Text.Json.Nodes;
using Marten;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Integration.Incoming;
using Messages = Relance.Contracts.Correspondence;
using static Relance.Correspondence.Tests.Examples;

namespace Relance.Correspondence.Tests;

/// <summary>Events stored before the ladder still read, through the store's own serializer; the message is carried whole.</summary>
[Trait("Category", "Unit")]
public class EventSchemaTests
{
    static readonly ISerializer Serializer = new StoreOptions().Serializer();

    // The event as the first version stored it: the same JSON without the members added since.
    static T StoredBeforeTheLadder<T>(T @event, params string[] added)
    {
        var json = JsonNode.Parse(Serializer.ToJson(@event!))!.AsObject();
        foreach (var member in json.Select(p => p.Key).ToList())
            if (added.Contains(member, StringComparer.OrdinalIgnoreCase)) json.Remove(member);
        foreach (var member in json.Select(p => p.Key).Where(k => k.Equals("recipient", StringComparison.OrdinalIgnoreCase)).ToList())
            if (json[member] is JsonObject recipient)
                foreach (var inner in recipient.Select(p => p.Key).ToList())
                    if (added.Contains(inner, StringComparer.OrdinalIgnoreCase)) recipient.Remove(inner);
        foreach (var member in added) Assert.DoesNotContain($"\"{member}\"", json.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        return Serializer.FromJson<T>(new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString())));
    }

    [Fact]
    public void A_request_stored_before_the_ladder_reads_as_a_courteous_email_with_nothing_claimed()
    {
        var read = StoredBeforeTheLadder(ReminderLetter(), "level", "tone", "template", "paymentDeadlineDays", "claims", "previousActions", "language",
            "contactName", "phone", "postalAddress", "accountManagerEmail");
        Assert.Equal((1, Tones.Courteous, (string?)null, (int?)null), (read.Level, read.Tone, read.Template, read.PaymentDeadlineDays));
        Assert.Empty(read.Claims);
        Assert.Empty(read.PreviousActions);
        Assert.Equal(new Recipient("C1", "Dupont <SARL>", "compta@dupont.fr"), read.Recipient);
        Assert.Equal([F2, F1], read.Invoices);
        Assert.Equal("fr", read.Language);
    }

    [Fact]
    public void A_rendering_stored_before_templates_were_files_has_no_template_hash() =>
        Assert.Null(StoredBeforeTheLadder(new CorrespondenceRendered("formal-notice/fr/v1", "Mise en demeure", null, "abc", DateTimeOffset.UnixEpoch) { TemplateSha256 = "def" },
            "templateSha256").TemplateSha256);

    [Fact]
    public void A_rendering_stored_before_letters_reads_as_an_email()
    {
        var read = StoredBeforeTheLadder(new CorrespondenceRendered("first-reminder/fr/v1", "Relance", "MIME", "abc", DateTimeOffset.UnixEpoch), "letter");
        Assert.Equal(("MIME", (string?)null, "message/rfc822"), (read.Mime, read.Letter, read.MediaType()));
        Assert.Equal("MIME"u8.ToArray(), read.Bytes());
    }

    [Fact]
    public void A_sending_or_a_failure_stored_before_dispatch_attempts_reads_without_them()
    {
        var sent = StoredBeforeTheLadder(new CorrespondenceSent("email", "compta@dupont.fr", "250 OK", "abc", DateTimeOffset.UnixEpoch)
            { AttemptId = Guid.NewGuid(), ProviderMessageId = "<x@relance>" }, "attemptId", "providerMessageId");
        Assert.Equal(((Guid?)null, (string?)null), (sent.AttemptId, sent.ProviderMessageId));
        var failed = StoredBeforeTheLadder(new CorrespondenceSendingFailed("connection refused", DateTimeOffset.UnixEpoch) { AttemptId = Guid.NewGuid(), Permanent = true },
            "attemptId", "permanent");
        Assert.Equal(((Guid?)null, false), (failed.AttemptId, failed.Permanent));
    }

    [Fact]
    public void The_new_members_are_stored_and_read_back()
    {
        var request = FormalNotice();
        var read = Serializer.FromJson<CorrespondenceRequested>(new MemoryStream(Encoding.UTF8.GetBytes(Serializer.ToJson(request))));
        Assert.Equivalent(request, read, strict: true);
    }

    [Fact]
    public void The_message_is_recorded_whole()
    {
        var message = new Messages.SendReminder(ReminderId, "ACME/C1/EUR", "ACME", "formal-notice",
            new Messages.ReminderRecipient("C1", "Dupont <SARL>", "compta@dupont.fr")
            {
                ContactName = "Mme Martin",
                Phone = "+33 1 23 45 67 89",
                PostalAddress = new(["Bâtiment B", "12 rue de la Paix"], "75002", "Paris", "France"),
                AccountManagerEmail = "commercial@acme.example",
            },
            [new("F-2", new(2026, 10, 15), new(2026, 11, 14), 345.5m, "EUR"),
             new("F-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR") { PaymentClause = "30 jours", OriginalDueDate = new(2026, 10, 20) }],
            AsOf)
        {
            Language = "en",
            Channel = Messages.ReminderChannels.RegisteredLetter,
            Level = 7,
            Tone = Messages.ReminderTones.Formal,
            Template = "formal-notice",
            PaymentDeadlineDays = 8,
            Claims =
            [
                new("F-2", 9, 12.15m, "taux BCE majoré de 10 points, 2e semestre 2026", 1.03m, "EUR", 40m, "EUR"),
                new("F-1", 23, 12.15m, "taux BCE majoré de 10 points, 2e semestre 2026", 9.19m, "EUR", 40m, "EUR"),
            ],
            PreviousActions = [new("first-call", "phone", Call.TakenAt), new("courtesy-reminder-1", "email", Courtesy.TakenAt)],
        };
        var now = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

        var expected = FormalNotice() with
        {
            Level = 7,
            Template = "formal-notice",
            Recipient = FormalNotice().Recipient with { Phone = "+33 1 23 45 67 89" },
            Invoices = [F2, F1 with { PaymentClause = "30 jours", OriginalDueDate = new(2026, 10, 20) }],
            Language = "en",
        };
        Assert.Equivalent(expected, SendReminderConsumer.Request(message, now), strict: true);
    }
}
