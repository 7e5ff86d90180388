using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Relance.ReminderService.LatePayment;

/// <summary>
/// Warns ahead that the rate table runs out: past its last day, steps claiming penalties cannot be decided.
/// Degraded (still ready) when it ends within <see cref="Warning"/>; unhealthy once today is not covered.
/// </summary>
public sealed class LegalFiguresHealthCheck(LatePaymentLaw law, TimeProvider clock) : IHealthCheck
{
    static readonly TimeSpan Warning = TimeSpan.FromDays(45);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return Task.FromResult(law.CoveredUntil switch
        {
            null => HealthCheckResult.Unhealthy("LatePaymentLaw:Periods is empty"),
            { } end when end < today => HealthCheckResult.Unhealthy($"LatePaymentLaw:Periods ends on {end:yyyy-MM-dd}: add the rates in force since (late-payment-law.json)"),
            { } end when end < today.AddDays((int)Warning.TotalDays) => HealthCheckResult.Degraded($"LatePaymentLaw:Periods ends on {end:yyyy-MM-dd}: add the next half-year's rates (late-payment-law.json)"),
            { } end => HealthCheckResult.Healthy($"legal rates configured until {end:yyyy-MM-dd}"),
        });
    }
}
