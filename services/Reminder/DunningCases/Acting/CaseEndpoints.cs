using System.Collections.Immutable;
using Relance.ReminderService.DunningCases.Calling;
using Relance.ReminderService.DunningCases.Disputing;
using Relance.ReminderService.DunningCases.Holding;
using Relance.ReminderService.DunningCases.ManualActions;
using Relance.ReminderService.DunningCases.PaymentPlans;
using Relance.ReminderService.DunningCases.Promising;
using Relance.ReminderService.LatePayment;
using Relance.ServiceDefaults;

namespace Relance.ReminderService.DunningCases.Acting;

/// <summary>What credit controllers and account managers do on a case: calls, promises, disputes, payment plans, holds, manual actions.</summary>
public static class CaseEndpoints
{
    public sealed record LogCallRequest(Guid? CallId, string? Outcome, string? ContactName, string? Phone, string? Notes, string? NextStep,
        DateTimeOffset? CallBackAt, PromiseRequest? Promise, DisputeRequest? Dispute);
    public sealed record PromiseRequest(decimal? Amount, DateOnly? PromisedFor, ImmutableList<string>? Invoices, string? Notes);
    public sealed record DisputeRequest(string? Reason, ImmutableList<string>? Invoices, string? Comment);
    public sealed record ResolutionRequest(string? Resolution, string? Comment);
    public sealed record AssigneeRequest(string? Assignee);
    public sealed record InstalmentRequest(DateOnly? DueDate, decimal? Amount);
    public sealed record PaymentPlanRequest(ImmutableList<InstalmentRequest>? Instalments, ImmutableList<string>? Invoices, string? Reason);
    public sealed record HoldRequest(string? InvoiceNumber, string? Reason, DateOnly? Until);
    public sealed record LiftHoldRequest(string? InvoiceNumber, string? Reason);
    public sealed record StepRequest(string? Step, string? Reason);
    public sealed record LowerLevelRequest(string? ToStep, string? Reason);
    public sealed record NoteRequest(string? Text);
    public sealed record TakeOverRequest(ImmutableList<string>? Invoices, string? Reason);
    public sealed record WriteOffRequest(string? Reason);

    const string Case = "/cases/{companyId}/{customerId}/{currency}";

    public static void MapCaseActions(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup(Case).WithTags("Working a case").RequireAuthorization(RelancePolicies.Work);

        cases.MapPost("/calls", (string companyId, string customerId, string currency, LogCallRequest request, HttpContext http, DunningPolicy policy) =>
        {
            var problems = new CaseCommands.Problems()
                .Require(request.Outcome is not null && CallOutcomes.All.Contains(request.Outcome), "outcome", $"required: one of {string.Join(", ", CallOutcomes.All)}")
                .Require(request.Outcome != CallOutcomes.CallBack || request.CallBackAt is not null, "callBackAt", "required when the customer asks to be called back")
                .Require(request.Outcome != CallOutcomes.Promise || request.Promise is not null, "promise", "required when the outcome is a promise: amount and promisedFor")
                .Require(request.Outcome != CallOutcomes.Dispute || request.Dispute is not null, "dispute", $"required when the outcome is a dispute: reason, one of {string.Join(", ", Disputes.Reasons)}")
                .Require(request.Dispute is null || (request.Dispute.Reason is { } reason && Disputes.Reasons.Contains(reason)), "dispute.reason", $"required: one of {string.Join(", ", Disputes.Reasons)}")
                .Require(request.Promise is null || request.Promise.Amount is not null, "promise.amount", "required: the amount promised")
                .Require(request.Promise is null || request.Promise.PromisedFor is not null, "promise.promisedFor", "required: the date promised");
            return CaseCommands.ActAsync(http, companyId, customerId, currency, problems, (state, user, now) => CallDecider.Decide(new LogCall(
                    Guid.NewGuid(), request.CallId, request.Outcome!, request.ContactName, request.Phone, request.Notes, request.NextStep, request.CallBackAt,
                    request.Promise is { } p ? new PromiseTerms(p.Amount!.Value, p.PromisedFor!.Value, p.Invoices) : null,
                    request.Dispute is { } d ? new DisputeTerms(d.Reason!, d.Invoices, d.Comment) : null,
                    user.UserName(), now), state, policy),
                events => new { callLogId = events.OfType<CallLogged>().Single().CallLogId });
        }).WithName("LogCall").RequiresIfMatch().WithSummary("Log a call with the customer: outcome, notes, next step; a promise or a dispute obtained takes effect with it");

        cases.MapPut("/calls/{callId:guid}/assignee", (string companyId, string customerId, string currency, Guid callId, AssigneeRequest request, HttpContext http) =>
            CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems().Require(!string.IsNullOrWhiteSpace(request.Assignee), "assignee", "required: who makes the call"), (state, user, now) => CallDecider.Decide(new AssignCall(callId, request.Assignee!, user.UserName(), now), state)))
            .WithName("AssignCall").RequiresIfMatch().WithSummary("Give a call to make to a person");

        cases.MapPut("/collector", (string companyId, string customerId, string currency, AssigneeRequest request, HttpContext http) =>
            CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems().Require(!string.IsNullOrWhiteSpace(request.Assignee), "assignee", "required: the collector"), (state, user, now) => CallDecider.Decide(new AssignCase(request.Assignee!, user.UserName(), now), state)))
            .WithName("AssignCase").RequiresIfMatch().WithSummary("Give the case to a collector: the collector's calls go to this person");

        cases.MapPost("/promises", (string companyId, string customerId, string currency, PromiseRequest request, HttpContext http, DunningPolicy policy) =>
            CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems()
                .Require(request.Amount is not null, "amount", "required: the amount promised")
                .Require(request.PromisedFor is not null, "promisedFor", "required: the date promised"), (state, user, now) => PromisePaymentDecider.Decide(
                new PromisePayment(Guid.NewGuid(), request.Amount!.Value, request.PromisedFor!.Value, request.Invoices, request.Notes, user.UserName(), now), state, policy),
                events => new { promiseId = events.OfType<PaymentPromised>().Single().PromiseId }))
            .WithName("PromisePayment").RequiresIfMatch().WithSummary("Record a promise to pay: the chase of its invoices pauses until the date plus a grace period");

        cases.MapPost("/payment-plan", (string companyId, string customerId, string currency, PaymentPlanRequest request, HttpContext http, DunningPolicy policy) =>
        {
            var problems = new CaseCommands.Problems().Reason(request.Reason)
                .Require(request.Instalments is { Count: > 0 }, "instalments", "required: at least one instalment");
            for (var n = 0; n < (request.Instalments?.Count ?? 0); n++)
                problems.Require(request.Instalments![n].DueDate is not null, $"instalments[{n}].dueDate", "required")
                    .Require(request.Instalments[n].Amount is not null, $"instalments[{n}].amount", "required");
            return CaseCommands.ActAsync(http, companyId, customerId, currency, problems, (state, user, now) => AgreePaymentPlanDecider.Decide(
                new AgreePaymentPlan(Guid.NewGuid(), [.. request.Instalments!.Select(i => (i.DueDate!.Value, i.Amount!.Value))], request.Invoices, request.Reason!, user.UserName(), now),
                state, policy), events => new { paymentPlanId = events.OfType<PaymentPlanAgreed>().Single().PaymentPlanId });
        }).WithName("AgreePaymentPlan").RequiresIfMatch().WithSummary("Agree a payment plan (échéancier): the chase pauses while instalments are paid on time");

        cases.MapPost("/holds", (string companyId, string customerId, string currency, HoldRequest request, HttpContext http, DunningPolicy policy) =>
            CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems().Reason(request.Reason).Require(request.Until is not null, "until", "required: the last day of the hold"), (state, user, now) =>
                HoldDecider.Decide(new SetHold(request.InvoiceNumber, request.Reason!, request.Until!.Value, user.UserName(), now), state, policy)))
            .WithName("SetHold").RequiresIfMatch().WithSummary("Hold the case or one invoice until a date (lifted by itself the morning after)");

        cases.MapPost("/holds/lift", (string companyId, string customerId, string currency, LiftHoldRequest request, HttpContext http) =>
            CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems().Reason(request.Reason), (state, user, now) =>
                HoldDecider.Decide(new LiftHold(request.InvoiceNumber, request.Reason!, user.UserName(), now), state)))
            .WithName("LiftHold").RequiresIfMatch().WithSummary("Lift a hold before its date");

        cases.MapPost("/disputes", (string companyId, string customerId, string currency, DisputeRequest request, HttpContext http, DunningPolicy policy) =>
        {
            var disputeId = $"D-{Guid.NewGuid():N}"[..14];
            return CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems().Require(request.Reason is not null && Disputes.Reasons.Contains(request.Reason), "reason", $"required: one of {string.Join(", ", Disputes.Reasons)}"), (state, user, now) =>
                    PeopleDisputeDecider.Decide(new OpenDispute(Guid.NewGuid(), disputeId, request.Reason!, request.Invoices, request.Comment, user.UserName(), now), state, policy),
                    _ => new { disputeId });
        }).WithName("OpenDispute").RequiresIfMatch().WithSummary("Record a dispute on invoices (none listed: the whole case); 'not-received' sends the invoice again");

        cases.MapPost("/disputes/{disputeId}/resolution", (string companyId, string customerId, string currency, string disputeId, ResolutionRequest request, HttpContext http, DunningPolicy policy) =>
            CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems().Require(request.Resolution is not null && Disputes.Resolutions.Contains(request.Resolution), "resolution", $"required: one of {string.Join(", ", Disputes.Resolutions)}"), (state, user, now) =>
                PeopleDisputeDecider.Decide(new ResolveDispute(Guid.NewGuid(), disputeId, request.Resolution!, request.Comment, user.UserName(), now), state, policy)))
            .WithName("ResolveDispute").RequiresIfMatch().WithSummary("Resolve a dispute: credit note, corrected invoice, resent invoice, or rejected");

        cases.MapPost("/actions/send-now", (string companyId, string customerId, string currency, StepRequest request, HttpContext http, LatePaymentLaw law) =>
            CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems().Reason(request.Reason), (state, user, now) => DunningCaseDecider.Decide(
                new SendStepNow(Guid.NewGuid(), request.Step, request.Reason!, user.UserName(), user.Has(RelanceRoles.Manager, RelanceRoles.Admin), now), state, law)))
            .WithName("SendStepNow").RequiresIfMatch().WithSummary("Take a step now (none named: the next); a step needing approval only by a manager");

        cases.MapPost("/actions/skip", (string companyId, string customerId, string currency, StepRequest request, HttpContext http) =>
            CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems().Reason(request.Reason), (state, user, now) =>
                DunningCaseDecider.Decide(new SkipStep(Guid.NewGuid(), request.Step, request.Reason!, user.UserName(), user.Has(RelanceRoles.Manager, RelanceRoles.Admin), now), state)))
            .WithName("SkipStep").RequiresIfMatch().WithSummary("Pass over a step (none named: the next)");

        cases.MapPost("/actions/take-over", (string companyId, string customerId, string currency, TakeOverRequest request, HttpContext http) =>
            CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems().Reason(request.Reason), (state, user, now) =>
                DunningCaseDecider.Decide(new TakeOver(request.Invoices, request.Reason!, user.UserName(), now), state)))
            .WithName("TakeOver").RequiresIfMatch().WithSummary("Chase invoices that were too old when first seen to be chased automatically");

        cases.MapPost("/notes", (string companyId, string customerId, string currency, NoteRequest request, HttpContext http) =>
            CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems().Require(!string.IsNullOrWhiteSpace(request.Text), "text", "required"), (state, user, now) =>
                DunningCaseDecider.Decide(new AddNote(Guid.NewGuid(), request.Text!, user.UserName(), now), state)))
            .WithName("AddNote").RequiresIfMatch().WithSummary("Add a note to the case");

        var managed = app.MapGroup(Case).WithTags("Working a case").RequireAuthorization(RelancePolicies.Approve);

        managed.MapPost("/actions/go-back", (string companyId, string customerId, string currency, LowerLevelRequest request, HttpContext http) =>
            CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems().Reason(request.Reason), (state, user, now) =>
                DunningCaseDecider.Decide(new LowerLevel(request.ToStep, request.Reason!, user.UserName(), now), state)))
            .WithName("GoBackALevel").RequiresIfMatch().WithSummary("Take the case back down the ladder (one step, or to the step named)");

        managed.MapPost("/write-off", (string companyId, string customerId, string currency, WriteOffRequest request, HttpContext http) =>
            CaseCommands.ActAsync(http, companyId, customerId, currency, new CaseCommands.Problems().Reason(request.Reason), (state, user, now) =>
                DunningCaseDecider.Decide(new WriteOff(request.Reason!, user.UserName(), now), state)))
            .WithName("WriteOff").RequiresIfMatch().WithSummary("Close the case as written off");
    }
}
