using System.Collections.Immutable;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningPlans;

namespace Relance.Reminder.Tests;

[Trait("Category", "Unit")]
public class PlanTests
{
    static readonly DunningPlan Standard = CaseSimulation.Standard;

    [Fact]
    public void The_shipped_default_plan_follows_the_seeds_and_has_no_problem()
    {
        Assert.Empty(Standard.Problems());
        Assert.Equal(
            ["courtesy-reminder-1", "courtesy-reminder-2", "first-call", "email-reminder", "second-call", "reminder-letter", "warning-letter", "formal-notice", "litigation"],
            Standard.Steps.Select(s => s.Id));
        Assert.Equal([1, 9, 16, 23, 33, 43, 53], Standard.Ladder.Select(x => Standard.NominalDay(x.Index)));
        Assert.True(Standard.Steps.Single(s => s.Id == "formal-notice") is { RequiresApproval: true, PaymentDeadlineDays: 8, Channels: ["registered-letter"] });
    }

    [Fact]
    public void A_plan_with_mistakes_is_refused_with_each_field_at_fault()
    {
        var bad = Standard with
        {
            Key = "",
            MinimumDaysBetweenActions = -1,
            Steps =
            [
                new PlanStep { Id = "call", When = new StepTiming(StepAnchor.DueDate, 1), Channels = ["fax"], Tone = "angry", Actor = "robot" },
                new PlanStep { Id = "call", When = new StepTiming(StepAnchor.PreviousStep, -2), Channels = [], MinimumAmount = -5 },
                new PlanStep { Id = "late-courtesy", When = new StepTiming(StepAnchor.DueDate, -3), Channels = ["litigation"] },
            ],
        };
        Assert.Equivalent(new[]
        {
            "key: required",
            "minimumDaysBetweenActions: must not be negative",
            "steps: step id 'call' appears 2 times",
            "steps[0].channels: unknown channel 'fax' (one of email, letter, registered-letter, phone, litigation, sms)",
            "steps[0].tone: unknown tone 'angry' (one of courteous, firm, formal)",
            "steps[0].actor: unknown actor 'robot' (one of system, collector, account-manager)",
            "steps[1].channels: at least one channel",
            "steps[1].minimumAmount: must not be negative",
            "steps[1].when.days: must not be negative after the PreviousStep",
            "steps[2].when: a step before the due date must come before the steps after it",
            "steps[2].channels: no litigation before the due date",
        }, bad.Problems().Order().ToArray());
    }

    [Fact]
    public void An_sms_step_is_addressed_to_a_contacts_phone_and_falls_back_to_email_without_one()
    {
        var step = Standard.Steps[0] with { Channels = ["sms"] };
        Assert.Empty((Standard with { Steps = [step, .. Standard.Steps.Skip(1)] }).Problems());

        var (channel, recipient) = DunningCaseDecider.Reach(CaseSimulation.Customer, Standard, step, "sms");
        Assert.Equal(("sms", "+33 4 72 00 00 01", "Anne Martin"), (channel, recipient.Phone, recipient.ContactName));

        var withoutPhone = CaseSimulation.Customer with { Contacts = [new CaseContact("billing", "Anne Martin", "anne.martin@dupont.example", null)] };
        Assert.Equal("email", DunningCaseDecider.Reach(withoutPhone, Standard, step, "sms").Channel);
    }

    [Fact]
    public void A_case_moving_to_a_new_plan_keeps_the_step_it_reached_or_the_nearest_earlier_one()
    {
        var shorter = Standard with
        {
            Key = "short",
            Steps = [.. Standard.Steps.Where(s => s.Id is not ("second-call" or "warning-letter"))],
        };
        int Index(DunningPlan p, string id) => p.Steps.FindIndex(s => s.Id == id);
        Assert.Equal(Index(shorter, "reminder-letter"), DunningCaseEvolution.Remap(Index(Standard, "reminder-letter"), Standard, shorter));
        Assert.Equal(Index(shorter, "email-reminder"), DunningCaseEvolution.Remap(Index(Standard, "second-call"), Standard, shorter));
        Assert.Equal(Index(shorter, "reminder-letter"), DunningCaseEvolution.Remap(Index(Standard, "warning-letter"), Standard, shorter));
        Assert.Equal(-1, DunningCaseEvolution.Remap(-1, Standard, shorter));
    }

    [Fact]
    public void The_plan_is_chosen_for_the_customer_then_its_segment_then_its_company_then_the_default()
    {
        var acme = Standard with { CompanyId = "ACME", Key = "acme" };
        var smallBusinesses = Standard with { CompanyId = "ACME", Key = "gentle", Segments = ["small-business"] };
        var vip = Standard with { CompanyId = "ACME", Key = "vip" , Segments = ["never-used"] };
        IReadOnlyList<DunningPlan> plans = [Standard, acme, smallBusinesses, vip];
        Assert.Equal("vip", PlanCatalog.Choose(plans, "ACME", "vip", "small-business").Plan.Key);
        Assert.Equal("gentle", PlanCatalog.Choose(plans, "ACME", null, "small-business").Plan.Key);
        Assert.Equal("acme", PlanCatalog.Choose(plans, "ACME", null, "large").Plan.Key);
        Assert.Equal("standard", PlanCatalog.Choose(plans, "OTHER", null, "small-business").Plan.Key);
        Assert.Throws<InvalidOperationException>(() => PlanCatalog.Choose([acme], "OTHER", null, null));
    }

    [Fact]
    public void A_reminder_withdrawn_because_its_invoice_was_contested_puts_the_invoice_back_where_it_was()
    {
        var run = new CaseSimulation(new DateTimeOffset(2026, 5, 31, 10, 0, 0, TimeSpan.FromHours(2))).Invoice("F-1", new DateOnly(2026, 6, 30), 1200m)
            .RunUntil(new DateTimeOffset(2026, 7, 10, 0, 0, 0, TimeSpan.Zero));
        var email = run.Events.OfType<ReminderRequested>().Single(r => r.Step == "email-reminder");
        Assert.Equal(3, run.State!.OpenInvoices.Single().Level);
        run.Apply([new ReminderWithdrawn(email.ReminderId, ["F-1"], "contested before it left", email.RequestedAt.AddMinutes(1))]);
        Assert.Equal(2, run.State!.OpenInvoices.Single().Level); // back to the first call: the email reminder is due again
    }

    [Fact]
    public void Two_channels_falling_back_onto_one_make_one_action()
    {
        var step = Standard.Steps.Single(s => s.Id == "reminder-letter");
        var (channel, recipient) = DunningCaseDecider.Reach(CaseSimulation.Customer with { Email = "", Contacts = [] }, Standard, step, "email");
        Assert.Equal("letter", channel);
        Assert.Contains("instead of email", recipient.Via);
        var (none, nobody) = DunningCaseDecider.Reach(new CaseCustomer("C9", "Nobody", ""), Standard, step, "letter");
        Assert.Equal("letter", none);
        Assert.Contains("no contact", nobody.Via);
    }
}
