using Relance.ReminderService.Audit.AsOf;
using Relance.ReminderService.Audit.Timelines;

namespace Relance.ReminderService.Audit;

public static class AuditEndpoints
{
    /// <summary>The audit API: timelines and past states, for auditors, managers and admins.</summary>
    public static void MapAudit(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/audit").WithTags("Audit").RequireAuthorization(AuditAccess.Policy);
        audit.MapTimelines();
        audit.MapCaseAsOf();
    }
}
