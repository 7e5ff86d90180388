using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Relance.CorrespondenceService.Correspondences;

public sealed class CorrespondenceProjection : SingleStreamProjection<Correspondence, string>
{
    public override Correspondence? Evolve(Correspondence? snapshot, string id, IEvent e) => CorrespondenceEvolution.Evolve(snapshot, e.Data);
}
