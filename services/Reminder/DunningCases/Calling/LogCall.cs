using System.Collections.Immutable;
using Relance.ReminderService.DunningCases.Disputing;
using Relance.ReminderService.DunningCases.Promising;

namespace Relance.ReminderService.DunningCases.Calling;

/// <summary>
/// A person logs a call: the planned call it answers (none: a call not planned, the customer calling), its
/// outcome (<see cref="CallOutcomes"/>), what was said and agreed. A promise or a dispute obtained on the call
/// takes effect with it.
/// </summary>
public sealed record LogCall(
    Guid CallLogId,
    Guid? CallId,
    string Outcome,
    string? ContactName,
    string? Phone,
    string? Notes,
    string? NextStep,
    DateTimeOffset? CallBackAt,
    PromiseTerms? Promise,
    DisputeTerms? Dispute,
    string By,
    DateTimeOffset Now);

public sealed record PromiseTerms(decimal Amount, DateOnly PromisedFor, ImmutableList<string>? Invoices);

/// <param name="Reason">One of <see cref="Disputes.Reasons"/>.</param>
public sealed record DisputeTerms(string Reason, ImmutableList<string>? Invoices, string? Comment);

/// <summary>Give a planned call to a person.</summary>
public sealed record AssignCall(Guid CallId, string Assignee, string By, DateTimeOffset Now);

/// <summary>Give the case to a collector: the calls of the collector's queue go to this person.</summary>
public sealed record AssignCase(string Collector, string By, DateTimeOffset Now);

public static class CallDecider
{
    public static IReadOnlyList<object> Decide(LogCall command, DunningCase state, DunningPolicy policy)
    {
        var plan = Arrangements.OpenWithPlan(state);
        if (!CallOutcomes.All.Contains(command.Outcome))
            throw CaseCommandRefused.Input("outcome", $"one of {string.Join(", ", CallOutcomes.All)}");
        // What the call obtained must be what its outcome says: a promise sent with another outcome would be lost.
        if (command.Promise is not null && command.Outcome != CallOutcomes.Promise)
            throw CaseCommandRefused.Input("promise", $"only with the outcome {CallOutcomes.Promise}");
        if (command.Dispute is not null && command.Outcome is not (CallOutcomes.Dispute or CallOutcomes.SaysAlreadyPaid))
            throw CaseCommandRefused.Input("dispute", $"only with the outcome {CallOutcomes.Dispute} or {CallOutcomes.SaysAlreadyPaid}");
        var call = command.CallId is { } callId
            ? state.Calls.Find(c => c.CallId == callId) ?? throw CaseCommandRefused.State("callId", $"no call {callId} waits on this case (already logged, or no longer owed)")
            : null;
        var callBackAt = command.CallBackAt;
        if (command.Outcome == CallOutcomes.CallBack && callBackAt is null)
            throw CaseCommandRefused.Input("callBackAt", "required when the customer asks to be called back");
        if (callBackAt is { } at && at <= command.Now)
            throw CaseCommandRefused.Input("callBackAt", $"{at:O} is in the past");
        // Nobody answered: the call comes back to the queue the next working morning unless a time is given.
        if (command.Outcome == CallOutcomes.NoAnswer && callBackAt is null)
            callBackAt = plan.Clock.At(plan.Clock.DayOf(command.Now).AddDays(policy.NoAnswerRetryDays));
        var logged = new CallLogged(command.CallLogId, command.CallId, command.Outcome, command.ContactName, command.Phone ?? call?.Recipient?.Phone,
            command.Notes, command.NextStep, callBackAt, command.By, command.Now);

        var events = new List<object> { logged };
        var after = DunningCaseEvolution.Evolve(state, logged)!;
        switch (command.Outcome)
        {
            case CallOutcomes.WrongNumber:
                if (logged.Phone is { } phone && !state.WrongPhones.Contains(phone))
                {
                    var wrong = new PhoneNumberReportedWrong(phone, command.By, command.Now);
                    events.Add(wrong);
                    // The step the call was for still reaches the customer, by its fallback channel (an email), now.
                    if (call is not null)
                        events.AddRange(DunningCaseDecider.ByFallback(DunningCaseEvolution.Evolve(after, wrong)!, plan, call, DunningCaseDecider.Derive(command.CallLogId, 3), command.By, command.Now));
                }
                break;
            case CallOutcomes.Promise:
                var promise = command.Promise ?? throw CaseCommandRefused.Input("promise", "required when the outcome is a promise: amount and date");
                events.AddRange(Nested("promise", () => PromisePaymentDecider.Decide(
                    new PromisePayment(DunningCaseDecider.Derive(command.CallLogId, 1), promise.Amount, promise.PromisedFor, promise.Invoices, command.Notes, command.By, command.Now),
                    after, policy)));
                break;
            case CallOutcomes.Dispute or CallOutcomes.SaysAlreadyPaid:
                var dispute = command.Dispute ?? (command.Outcome == CallOutcomes.SaysAlreadyPaid ? new DisputeTerms(Disputes.AlreadyPaid, call?.Invoices.Select(i => i.InvoiceNumber).ToImmutableList(), command.Notes) : null)
                    ?? throw CaseCommandRefused.Input("dispute", "required when the outcome is a dispute: its reason and, if not all, the invoices");
                events.AddRange(Nested("dispute", () => PeopleDisputeDecider.Decide(
                    new OpenDispute(DunningCaseDecider.Derive(command.CallLogId, 2), $"D-{command.CallLogId:N}"[..14], dispute.Reason, dispute.Invoices, dispute.Comment ?? command.Notes, command.By, command.Now),
                    after, policy)));
                break;
        }
        return events;
    }

    // A refusal of the promise or dispute a call obtained names its field within the call's request.
    static IReadOnlyList<object> Nested(string field, Func<IReadOnlyList<object>> decide)
    {
        try { return decide(); }
        catch (CaseCommandRefused refused) when (refused.Field != "case")
        {
            throw new CaseCommandRefused($"{field}.{refused.Field}", refused.Message, refused.Status);
        }
    }

    public static IReadOnlyList<object> Decide(AssignCall command, DunningCase state)
    {
        var call = state.Calls.Find(c => c.CallId == command.CallId)
            ?? throw CaseCommandRefused.State("callId", $"no call {command.CallId} waits on this case");
        return call.Assignee == command.Assignee ? [] : [new CallAssigned(call.CallId, command.Assignee, command.By, command.Now)];
    }

    public static IReadOnlyList<object> Decide(AssignCase command, DunningCase state) =>
        state.Collector == command.Collector ? [] : [new CaseAssigned(command.Collector, command.By, command.Now)];
}
