using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Relance.ReminderService.DunningCases;

/// <summary>
/// Keeps each case's current state, in the same transaction as its events. Its NextReminderAt column is the
/// projection of due actions the scheduler polls.
/// </summary>
public sealed class DunningCaseProjection : SingleStreamProjection<DunningCase, string>
{
    public override DunningCase? Evolve(DunningCase? snapshot, string id, IEvent e) => DunningCaseEvolution.Evolve(snapshot, e.Data);
}
