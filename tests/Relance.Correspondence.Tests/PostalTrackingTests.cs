using System.Security.Cryptography;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.TrackingLetter;
using Relance.ServiceDefaults;
using Relance.Testing;
using Postal = Relance.Contracts.Postal;
using static Relance.Correspondence.Tests.Examples;

namespace Relance.Correspondence.Tests;

/// <summary>A letter's postal tracking: each fact once, in any order, contradictions refused with the field at fault.</summary>
[Trait("Category", "Unit")]
public class PostalTrackingTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    static readonly DateOnly Day = new(2026, 11, 2);
    static readonly CorrespondenceRequested Notice = FormalNotice();
    static readonly CorrespondenceRendered Rendered = new("formal-notice/fr/v1", "Mise en demeure", null, "abc", Now) { Pdf = [1, 2, 3] };
    static readonly LetterQueuedForPosting Queued = new(Channels.RegisteredLetter, "Dupont", Notice.Recipient.PostalAddress!, "abc", Now);
    static readonly LetterHandedToPostalProvider HandedOver = new("folder", Notice.ReminderId.ToString(), "abc", Now);
    static readonly object[] HandedOverLetter = [Notice, Rendered, Queued, HandedOver];

    static DeciderSpec<CorrespondenceService.Correspondences.Correspondence> Spec() => new(CorrespondenceEvolution.Evolve);

    static TrackLetter Track(string update, int day, string? tracking = null, string? reason = null, int? presented = null, AcknowledgmentCard? card = null) =>
        new(Notice.ReminderId.ToString(), update, Day.AddDays(day), tracking, reason, presented is { } p ? Day.AddDays(p) : null, card, "postal:test", Now.AddDays(day));

    static AcknowledgmentCard Card(byte fill) { byte[] bytes = [fill, fill, fill]; return new("image/png", bytes, Convert.ToHexStringLower(SHA256.HashData(bytes))); }

    static IReadOnlyList<(string Field, string Error)> Refusal(DeciderSpec<CorrespondenceService.Correspondences.Correspondence>.Outcome outcome) =>
        outcome.ThenThrows<MessageRejectedException>().Reasons;

    [Fact]
    public void A_handed_over_letter_is_recorded_queued_and_handed_over_once()
    {
        Spec().Given(Notice, Rendered).When(s => PostalDecider.HandedOver(Queued, HandedOver, s)).Then(Queued, HandedOver);
        Spec().Given(HandedOverLetter).When(s => PostalDecider.HandedOver(Queued, HandedOver, s)).Then();
    }

    [Fact]
    public void The_facts_are_recorded_each_once()
    {
        var posted = new LetterPosted("1A00000001", Day.AddDays(1), "postal:test", Now.AddDays(1));
        Spec().Given(HandedOverLetter).When(s => PostalDecider.Track(Track("posted", 1, "1A00000001"), s)).Then(posted);
        Spec().Given([.. HandedOverLetter, posted]).When(s => PostalDecider.Track(Track("posted", 1, "1A00000001"), s)).Then();
        var acknowledged = new LetterReceiptAcknowledged(Day.AddDays(3), null, "postal:test", Now.AddDays(3));
        var outcome = Spec().Given([.. HandedOverLetter, posted]).When(s => PostalDecider.Track(Track("acknowledged", 3), s)).Then(acknowledged);
        Assert.Equal(Day.AddDays(3), outcome.State!.Postal!.Acknowledged!.SignedOn);
        Spec().Given([.. HandedOverLetter, posted, acknowledged]).When(s => PostalDecider.Track(Track("acknowledged", 3), s)).Then();
    }

    [Fact]
    public void A_delivery_or_an_acknowledgment_before_the_posting_implies_it_and_the_posting_heard_late_is_still_recorded()
    {
        var acknowledged = new LetterReceiptAcknowledged(Day.AddDays(3), null, "postal:test", Now.AddDays(3));
        Spec().Given(HandedOverLetter).When(s => PostalDecider.Track(Track("acknowledged", 3), s)).Then(acknowledged);
        Spec().Given([.. HandedOverLetter, acknowledged]).When(s => PostalDecider.Track(Track("posted", 1, "1A00000001"), s))
            .Then(new LetterPosted("1A00000001", Day.AddDays(1), "postal:test", Now.AddDays(1)));
        var reasons = Refusal(Spec().Given([.. HandedOverLetter, acknowledged]).When(s => PostalDecider.Track(Track("posted", 4, "1A00000001"), s)));
        Assert.Contains(reasons, r => r.Field == "date" && r.Error.Contains("after the letter was acknowledged"));
    }

    [Fact]
    public void A_scanned_card_sent_after_the_acknowledgment_is_archived_once_and_another_card_is_refused()
    {
        var acknowledged = new LetterReceiptAcknowledged(Day.AddDays(3), null, "postal:test", Now.AddDays(3));
        var card = Card(7);
        var outcome = Spec().Given([.. HandedOverLetter, acknowledged]).When(s => PostalDecider.Track(Track("acknowledged", 3, card: card), s))
            .Then(new AcknowledgmentCardArchived(card, "postal:test", Now.AddDays(3)));
        Assert.Equal(card.Sha256, outcome.State!.Postal!.AcknowledgmentCard!.Sha256);
        var archived = new AcknowledgmentCardArchived(card, "postal:test", Now.AddDays(3));
        Spec().Given([.. HandedOverLetter, acknowledged, archived]).When(s => PostalDecider.Track(Track("acknowledged", 3, card: card), s)).Then();
        Assert.Contains(Refusal(Spec().Given([.. HandedOverLetter, acknowledged, archived]).When(s => PostalDecider.Track(Track("acknowledged", 3, card: Card(8)), s))),
            r => r.Field == "acknowledgmentCard");
    }

    [Fact]
    public void Contradictions_are_refused_with_the_field_at_fault()
    {
        var posted = new LetterPosted("1A00000001", Day.AddDays(1), "postal:test", Now);
        Assert.Contains(Refusal(Spec().Given([.. HandedOverLetter, posted]).When(s => PostalDecider.Track(Track("delivered", 2, "9Z999"), s))), r => r.Field == "trackingNumber");
        Assert.Contains(Refusal(Spec().Given([.. HandedOverLetter, posted]).When(s => PostalDecider.Track(Track("posted", 2, "1A00000001"), s))), r => r.Field == "date");
        Assert.Contains(Refusal(Spec().Given([.. HandedOverLetter, posted]).When(s => PostalDecider.Track(Track("delivered", 0), s))), r => r.Field == "date");
        var returned = new LetterReturnedUndelivered(ReturnReasons.Unclaimed, Day.AddDays(2), Day.AddDays(18), "postal:test", Now);
        Assert.Contains(Refusal(Spec().Given([.. HandedOverLetter, returned]).When(s => PostalDecider.Track(Track("acknowledged", 3), s))), r => r.Field == "update");
        var delivered = new LetterDelivered(Day.AddDays(2), "postal:test", Now);
        Assert.Contains(Refusal(Spec().Given([.. HandedOverLetter, delivered]).When(s => PostalDecider.Track(Track("returned", 18, reason: "unclaimed", presented: 2), s))), r => r.Field == "update");
    }

    [Fact]
    public void Only_a_handed_over_letter_is_tracked_and_only_a_registered_letter_is_acknowledged()
    {
        Assert.Contains(Refusal(Spec().Given().When(s => PostalDecider.Track(Track("posted", 1, "1A"), s))), r => r.Error.StartsWith("no correspondence"));
        var email = FormalNotice(Channels.Email);
        Assert.Contains(Refusal(Spec().Given(email).When(s => PostalDecider.Track(Track("posted", 1, "1A"), s))), r => r.Error.Contains("not a letter"));
        Assert.Contains(Refusal(Spec().Given(Notice, Rendered).When(s => PostalDecider.Track(Track("posted", 1, "1A"), s))), r => r.Error.Contains("not been handed"));
        var letter = FormalNotice(Channels.Letter);
        Assert.Contains(Refusal(Spec().Given(letter, Rendered, Queued with { Channel = Channels.Letter }).When(s => PostalDecider.Track(Track("acknowledged", 3), s))),
            r => r.Field == "update" && r.Error.Contains("no acknowledgment of receipt"));
    }

    [Fact]
    public void A_returned_letter_is_recorded_with_its_first_presentation()
    {
        Spec().Given(HandedOverLetter).When(s => PostalDecider.Track(Track("returned", 18, reason: "unclaimed", presented: 2), s))
            .Then(new LetterReturnedUndelivered(ReturnReasons.Unclaimed, Day.AddDays(2), Day.AddDays(18), "postal:test", Now.AddDays(18)));
    }

    [Fact]
    public void An_invalid_body_is_refused_with_every_field_at_fault()
    {
        var body = new Postal.LetterTracked(null, "lost", null, new string('x', 65), "moved", Day, new Postal.ScannedCard("text/plain", "not base64!"), null);
        var reasons = Assert.Throws<MessageRejectedException>(() => LetterTrackingValidation.ToCommand(body, "postal:test", Day, Now)).Reasons;
        Assert.Equal(["acknowledgmentCard", "acknowledgmentCard.contentBase64", "acknowledgmentCard.mediaType", "correspondenceId", "date", "firstPresentedOn", "returnReason", "trackingNumber", "update"],
            reasons.Select(r => r.Field).Distinct().Order());

        var unclaimed = new Postal.LetterTracked("id", "returned", Day, null, "unclaimed", null, null, null);
        Assert.Contains(Assert.Throws<MessageRejectedException>(() => LetterTrackingValidation.ToCommand(unclaimed, "postal:test", Day, Now)).Reasons, r => r.Field == "firstPresentedOn");
        var future = new Postal.LetterTracked("id", "posted", Day.AddDays(5), null, null, null, null, null);
        Assert.Equal(["date", "trackingNumber"], Assert.Throws<MessageRejectedException>(() => LetterTrackingValidation.ToCommand(future, "postal:test", Day, Now)).Reasons.Select(r => r.Field).Order());
    }

    [Fact]
    public void A_valid_body_becomes_the_command_with_the_card_hashed()
    {
        var body = new Postal.LetterTracked(" id ", "Acknowledged", Day, null, null, null, new Postal.ScannedCard("image/png", Convert.ToBase64String([1, 2, 3])), "maileva");
        var command = LetterTrackingValidation.ToCommand(body, "postal:maileva", Day, Now);
        Assert.Equal(("id", "acknowledged", Day), (command.CorrespondenceId, command.Update, command.On));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([1, 2, 3])), command.Card!.Sha256);
    }

    static CorrespondenceService.Correspondences.Correspondence StateOf(params object[] events) =>
        events.Aggregate((CorrespondenceService.Correspondences.Correspondence?)null, CorrespondenceEvolution.Evolve)!;

    [Fact]
    public void A_letters_status_follows_its_postal_trail_as_an_email_or_an_sms_follows_its_reports()
    {
        var posted = new LetterPosted("1A00000001", Day.AddDays(1), "postal:test", Now.AddDays(1));
        var delivered = new LetterDelivered(Day.AddDays(2), "postal:test", Now.AddDays(2));
        var acknowledged = new LetterReceiptAcknowledged(Day.AddDays(3), null, "postal:test", Now.AddDays(3));
        var returned = new LetterReturnedUndelivered(ReturnReasons.AddressUnknown, null, Day.AddDays(4), "postal:test", Now.AddDays(4));
        Assert.Equal(
            [CorrespondenceStatus.QueuedForPosting, CorrespondenceStatus.Posted, CorrespondenceStatus.Delivered, CorrespondenceStatus.Acknowledged, CorrespondenceStatus.Returned],
            [StateOf(HandedOverLetter).Status, StateOf([.. HandedOverLetter, posted]).Status, StateOf([.. HandedOverLetter, posted, delivered]).Status,
             StateOf([.. HandedOverLetter, posted, delivered, acknowledged]).Status, StateOf([.. HandedOverLetter, posted, returned]).Status]);
        // A fact heard before the posting sets the status all the same.
        Assert.Equal(CorrespondenceStatus.Acknowledged, StateOf([.. HandedOverLetter, acknowledged]).Status);
    }

    [Fact]
    public void A_letter_returned_for_an_unknown_address_is_announced_not_delivered_to_its_postal_address_and_other_returns_are_not()
    {
        var unknown = new LetterReturnedUndelivered(ReturnReasons.AddressUnknown, null, Day.AddDays(4), "postal:test", Now.AddDays(4));
        var letter = StateOf([.. HandedOverLetter, unknown]);
        var told = CorrespondenceService.Integration.Outgoing.PostalAnnouncements.NotDelivered(unknown, letter);
        Assert.Equal(new Contracts.Correspondence.ReminderNotDelivered(Notice.ReminderId, Notice.CaseId, Channels.RegisteredLetter,
                CorrespondenceService.Letters.PostalAddresses.OnOneLine("Dupont", Notice.Recipient.PostalAddress!),
                Contracts.Correspondence.ReminderNotDeliveredKinds.Returned, "returned 2026-11-06: address-unknown", Now.AddDays(4)),
            told);
        Assert.Null(CorrespondenceService.Integration.Outgoing.PostalAnnouncements.NotDelivered(unknown with { Reason = ReturnReasons.Unclaimed, FirstPresentedOn = Day.AddDays(2) }, letter));
        Assert.Null(CorrespondenceService.Integration.Outgoing.PostalAnnouncements.NotDelivered(unknown with { Reason = ReturnReasons.Refused }, letter));
        Assert.NotEqual(Guid.Empty, CorrespondenceService.Integration.Outgoing.PostalAnnouncements.SecondMessageId(Guid.Empty));
        var id = Guid.NewGuid();
        Assert.Equal(CorrespondenceService.Integration.Outgoing.PostalAnnouncements.SecondMessageId(id), CorrespondenceService.Integration.Outgoing.PostalAnnouncements.SecondMessageId(id));
    }
}
