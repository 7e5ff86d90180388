using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.RecordingNotDelivered;
using Relance.ReminderService.DunningPlans;

namespace Relance.Reminder.Tests;

/// <summary>
/// A reminder the Correspondence service reports not delivered (bounced, SMS undelivered, letter returned, refused for
/// good) goes on the case's trail once; when the failure is about the address written to (a bounce or an undelivered
/// SMS of that very address, a letter returned), that address is not used again: on the standard plan the next email step
/// goes by letter (its fallback), or is blocked with no postal address, until the ERP gives another address; the
/// next SMS step goes by email. Courtesy reminders 20 and 27 June, first call 1 July, email reminder 9 July.
/// </summary>
[Trait("Category", "Unit")]
public class UndeliveredReminderTests
{
    static readonly DateOnly Due = new(2026, 6, 30);
    const string Phone = "+33 4 72 00 00 01";

    static DateTimeOffset At(int month, int day, int hour = 9) => new(2026, month, day, hour, 0, 0, TimeSpan.FromHours(2));

    // Reached by the email on its invoices alone: its billing contact has a phone, no email.
    static readonly CaseCustomer OneAddress = CaseSimulation.Customer with { Contacts = [new CaseContact("billing", "Anne Martin", null, Phone)] };

    static CaseSimulation FirstCourtesySent(CaseCustomer? customer = null, DunningPlan? plan = null) =>
        new CaseSimulation(At(5, 31, 10), plan, customer ?? OneAddress).Invoice("F-1", Due, 1200m, issued: new(2026, 5, 31)).RunUntil(At(6, 20, 10));

    static ReminderRequested Requested(CaseSimulation run, string step) => run.Events.OfType<ReminderRequested>().Single(r => r.Step == step);

    static CaseSimulation NotDelivered(CaseSimulation run, Guid reminderId, string recipient, string kind, string reason = "5.1.1 User unknown") =>
        run.Do(s => DunningCaseDecider.Decide(new RecordReminderNotDelivered(s.Id, reminderId, recipient, kind, reason, At(6, 20, 9).AddMinutes(5), run.Now), s));

    [Fact]
    public void A_bounce_is_recorded_once_shown_on_the_case_and_the_next_email_step_goes_by_letter_until_the_erp_gives_another_address()
    {
        var run = FirstCourtesySent();
        var first = Requested(run, "courtesy-reminder-1");
        Assert.Equal(("email", "compta@dupont.example"), (first.Channel, first.Recipient.Email));

        // The mail system reports the address in its own case: the case's address is the one avoided.
        NotDelivered(run, first.ReminderId, "Compta@Dupont.example", "bounced");
        Assert.Equal(new ReminderNotDelivered(first.ReminderId, "courtesy-reminder-1", "email", "Compta@Dupont.example", "bounced", "5.1.1 User unknown",
            "compta@dupont.example", At(6, 20, 9).AddMinutes(5), At(6, 20, 10)), Assert.Single(run.Decided));
        Assert.Empty(NotDelivered(run, first.ReminderId, "Compta@Dupont.example", "bounced").Decided);
        Assert.Equal(first.ReminderId, Assert.Single(run.State!.Undelivered).ReminderId);
        Assert.Equal(["compta@dupont.example"], run.State.UndeliverableEmails);

        // The next email step goes by its fallback, a letter; the call still goes to the phone.
        run.RunUntil(At(7, 2));
        Assert.Equal(["2026-06-20 courtesy-reminder-1 email [F-1]", "2026-06-27 courtesy-reminder-2 letter [F-1]", "2026-07-01 first-call phone [F-1]"], run.Actions);
        Assert.Contains("instead of email", Requested(run, "courtesy-reminder-2").Recipient.Via);

        // The ERP gives another address: the next email step uses it.
        run.Customer_(OneAddress with { Email = "comptabilite@dupont.example" }, null).RunUntil(At(7, 10));
        var email = Requested(run, "email-reminder");
        Assert.Equal(("email", "comptabilite@dupont.example"), (email.Channel, email.Recipient.Email));
    }

    [Fact]
    public void A_bounced_contact_address_gives_way_to_the_customer_s_other_address_before_any_letter()
    {
        var run = FirstCourtesySent(CaseSimulation.Customer);
        var first = Requested(run, "courtesy-reminder-1");
        Assert.Equal("anne.martin@dupont.example", first.Recipient.Email);
        NotDelivered(run, first.ReminderId, first.Recipient.Email!, "bounced", "5.1.1 mailbox unavailable").RunUntil(At(6, 28));
        var second = Requested(run, "courtesy-reminder-2");
        Assert.Equal(("email", "compta@dupont.example"), (second.Channel, second.Recipient.Email));
    }

    [Fact]
    public void A_bounce_of_the_account_manager_s_copy_is_recorded_and_the_customer_s_address_is_still_used()
    {
        var run = FirstCourtesySent(OneAddress with { AccountManager = new CaseContact("account-manager", "Paul Roy", "paul.roy@acme.example", null) });
        var first = Requested(run, "courtesy-reminder-1");
        NotDelivered(run, first.ReminderId, "Paul.Roy@acme.example", "bounced");
        Assert.Null(Assert.IsType<ReminderNotDelivered>(Assert.Single(run.Decided)).Avoided);
        Assert.Empty(run.State!.UndeliverableEmails);
        run.RunUntil(At(6, 28));
        Assert.Equal(("email", "compta@dupont.example"), (Requested(run, "courtesy-reminder-2").Channel, Requested(run, "courtesy-reminder-2").Recipient.Email));
    }

    [Theory]
    [InlineData("refused", "SMTP 552 message size exceeds fixed maximum")]
    [InlineData("expired", "not delivered within 48 hours")]
    public void A_refusal_or_any_other_failure_is_recorded_and_the_address_is_still_used(string kind, string reason)
    {
        var run = FirstCourtesySent();
        var first = Requested(run, "courtesy-reminder-1");
        NotDelivered(run, first.ReminderId, first.Recipient.Email!, kind, reason);
        Assert.Equal((kind, null), (Assert.Single(run.State!.Undelivered).Kind, run.State.Undelivered[0].Avoided));
        run.RunUntil(At(6, 28));
        Assert.Equal(("email", "compta@dupont.example"), (Requested(run, "courtesy-reminder-2").Channel, Requested(run, "courtesy-reminder-2").Recipient.Email));
    }

    [Fact]
    public void A_refusal_recorded_before_the_check_as_avoiding_the_address_no_longer_avoids_it()
    {
        var run = FirstCourtesySent();
        var first = Requested(run, "courtesy-reminder-1");
        run.Apply([new ReminderNotDelivered(first.ReminderId, first.Step, "email", "compta@dupont.example", "refused", "SMTP 554 relay denied",
            "compta@dupont.example", At(6, 20, 9), At(6, 20, 10))]);
        Assert.Empty(run.State!.UndeliverableEmails);
    }

    [Fact]
    public void With_no_postal_address_the_next_email_step_is_blocked_on_the_case_until_the_erp_completes_the_customer()
    {
        var run = FirstCourtesySent(OneAddress with { PostalAddress = null });
        NotDelivered(run, Requested(run, "courtesy-reminder-1").ReminderId, "compta@dupont.example", "bounced").RunUntil(At(7, 2));
        // Blocked once: not tried again every hour while nothing changes.
        var blocked = Assert.Single(run.Events.OfType<StepBlocked>());
        Assert.Same(blocked, run.Events.Last());
        Assert.Equal("courtesy-reminder-2", blocked.Step);
        Assert.Equal(blocked, run.State!.Blocked);
        Assert.Single(run.Actions);

        // The ERP gives another address: the chase goes on from there.
        run.Customer_(OneAddress with { PostalAddress = null, Email = "comptabilite@dupont.example" }, null).RunUntil(At(7, 2, 10));
        Assert.Equal("2026-07-02 first-call phone [F-1]", run.Actions.Last());
    }

    [Fact]
    public void After_an_sms_is_not_delivered_the_next_sms_step_goes_by_email_and_the_number_is_still_called()
    {
        var bySms = CaseSimulation.Standard with
        {
            Steps = [.. CaseSimulation.Standard.Steps.Select(s => s.BeforeDue ? s with { Channels = ["sms"] } : s)],
        };
        var run = FirstCourtesySent(plan: bySms);
        var first = Requested(run, "courtesy-reminder-1");
        Assert.Equal(("sms", Phone), (first.Channel, first.Recipient.Phone));

        // The gateway reports the number normalised: the case's own spelling is the one avoided.
        NotDelivered(run, first.ReminderId, "+33472000001", "delivery-failed", "absent subscriber");
        Assert.Equal(Phone, Assert.IsType<ReminderNotDelivered>(Assert.Single(run.Decided)).Avoided);
        Assert.Equal([Phone], run.State!.UndeliverableSmsNumbers);
        run.RunUntil(At(7, 2));
        Assert.Equal(["2026-06-20 courtesy-reminder-1 sms [F-1]", "2026-06-27 courtesy-reminder-2 email [F-1]", "2026-07-01 first-call phone [F-1]"], run.Actions);
        Assert.Equal(Phone, run.State!.Calls.Single().Recipient!.Phone);
    }

    [Theory]
    [InlineData("06 12 34 56 78", "+33612345678", true)]
    [InlineData("+33 (0)6 12 34 56 78", "+33612345678", true)]
    [InlineData("0033 6 12 34 56 78", "+33612345678", true)]
    [InlineData("06 12 34 56 78", "+33612345679", false)]
    [InlineData("06 12 34 56 78", "+32612345678", false)]
    public void An_sms_number_is_avoided_only_when_the_reported_number_is_the_one_written_to(string written, string reported, bool avoided) =>
        Assert.Equal(avoided, DunningCaseDecider.Avoids("sms", "delivery-failed", reported, written));

    [Fact]
    public void After_a_letter_comes_back_address_unknown_the_next_letter_step_goes_by_email_until_the_erp_gives_another_address()
    {
        var byLetter = CaseSimulation.Standard with
        {
            Steps = [.. CaseSimulation.Standard.Steps.Select(s => s.BeforeDue ? s with { Channels = ["letter"] } : s)],
        };
        var run = FirstCourtesySent(plan: byLetter);
        var first = Requested(run, "courtesy-reminder-1");
        Assert.Equal("letter", first.Channel);

        NotDelivered(run, first.ReminderId, "Dupont SARL", "returned", "address-unknown (n'habite pas à l'adresse indiquée)");
        Assert.Equal("12 RUE DES LILAS, 69003, LYON, FR", Assert.IsType<ReminderNotDelivered>(Assert.Single(run.Decided)).Avoided);
        run.RunUntil(At(6, 28));
        Assert.Equal(["2026-06-20 courtesy-reminder-1 letter [F-1]", "2026-06-27 courtesy-reminder-2 email [F-1]"], run.Actions);

        // The same address written otherwise is the same; another one from the ERP is used.
        Assert.False(DunningCaseDecider.Unreachable.Of(run.State!).TakesAddress(new(["12  rue des lilas"], "69003", "Lyon", "FR")));
        Assert.True(DunningCaseDecider.Unreachable.Of(run.State!).TakesAddress(new(["3 place Bellecour"], "69002", "Lyon", "FR")));
    }

    [Fact]
    public void News_of_a_reminder_the_case_did_not_ask_for_records_nothing_and_another_kind_for_the_same_reminder_is_recorded()
    {
        var run = FirstCourtesySent();
        Assert.Empty(NotDelivered(run, Guid.NewGuid(), "compta@dupont.example", "bounced").Decided);
        Assert.Empty(DunningCaseDecider.Decide(new RecordReminderNotDelivered("ACME/C9/EUR", Guid.NewGuid(), "x@y.example", "bounced", "550", At(6, 20), At(6, 20)), null));

        var first = Requested(run, "courtesy-reminder-1").ReminderId;
        NotDelivered(run, first, "compta@dupont.example", "refused", "SMTP 550");
        NotDelivered(run, first, "compta@dupont.example", "bounced");
        Assert.Equal(["refused", "bounced"], run.State!.Undelivered.Select(u => u.Kind));
        Assert.Single(run.State.UndeliverableEmails);
    }
}
