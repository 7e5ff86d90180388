using Microsoft.AspNetCore.Authorization;
using Relance.ServiceDefaults;
using Relance.ServiceDefaults.Audit.Timeline;

namespace Relance.ReminderService.Audit;

/// <summary>Who reads the audit side, and where the other services' stores are.</summary>
public static class AuditAccess
{
    /// <summary>Auditors, managers and admins; not collectors (they work cases, they do not audit them).</summary>
    public static readonly AuthorizationPolicy Policy = new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .RequireClaim(RelanceClaims.Role, RelanceRoles.Auditor, RelanceRoles.Manager, RelanceRoles.Admin)
        .Build();

    public const string InvoiceStoreSetting = "Audit:Stores:Invoice", CorrespondenceStoreSetting = "Audit:Stores:Correspondence";

    /// <summary>
    /// The three stores a timeline merges: this service's own (ConnectionStrings:Marten) and the other two, read
    /// directly (Audit:Stores:Invoice, Audit:Stores:Correspondence); or a 503 problem naming the setting missing.
    /// </summary>
    public static (IReadOnlyList<AuditStore>? Stores, IResult? Problem) Stores(IConfiguration configuration)
    {
        var missing = new[] { "ConnectionStrings:Marten", InvoiceStoreSetting, CorrespondenceStoreSetting }
            .Where(setting => string.IsNullOrWhiteSpace(configuration[setting])).ToList();
        if (missing.Count > 0)
            return (null, Results.Problem(
                title: "The audit side is not configured",
                detail: $"A timeline reads the three services' event stores; set {string.Join(" and ", missing)} (a PostgreSQL connection string, "
                        + $"environment variable {string.Join(", ", missing.Select(m => m.Replace(":", "__")))}).",
                statusCode: StatusCodes.Status503ServiceUnavailable));
        return ([
            new AuditStore(AuditStore.Invoice, configuration[InvoiceStoreSetting]!),
            new AuditStore(AuditStore.Reminder, configuration["ConnectionStrings:Marten"]!),
            new AuditStore(AuditStore.Correspondence, configuration[CorrespondenceStoreSetting]!),
        ], null);
    }
}
