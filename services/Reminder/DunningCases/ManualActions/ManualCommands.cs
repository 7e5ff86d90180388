using System.Collections.Immutable;

namespace Relance.ReminderService.DunningCases.ManualActions;

/// <summary>Take a step now (none named: the case's next step), whatever its timing or minimum amount.</summary>
public sealed record SendStepNow(Guid ActionId, string? Step, string Reason, string By, bool MayApprove, DateTimeOffset Now);

/// <summary>Pass over a step (none named: the next): the ladder goes on from the one after it.</summary>
public sealed record SkipStep(Guid ActionId, string? Step, string Reason, string By, bool MayApprove, DateTimeOffset Now);

/// <summary>Go back down the ladder to a step (none named: one step back); the next step is the one after it, timed from now.</summary>
public sealed record LowerLevel(string? ToStep, string Reason, string By, DateTimeOffset Now);

/// <summary>Chase invoices left to a person (too old when first seen): the named ones, or all of them.</summary>
public sealed record TakeOver(ImmutableList<string>? Invoices, string Reason, string By, DateTimeOffset Now);

public sealed record AddNote(Guid NoteId, string Text, string By, DateTimeOffset Now);

/// <summary>Give up the case's debts as lost: nothing more is chased.</summary>
public sealed record WriteOff(string Reason, string By, DateTimeOffset Now);
