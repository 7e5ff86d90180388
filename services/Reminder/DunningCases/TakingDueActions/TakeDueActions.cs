namespace Relance.ReminderService.DunningCases.TakingDueActions;

/// <summary>Take the actions a case is due at <see cref="Now"/>, if any. The id is chosen by the caller; the ids of what is decided derive from it.</summary>
public sealed record TakeDueActions(Guid ActionId, DateTimeOffset Now);
