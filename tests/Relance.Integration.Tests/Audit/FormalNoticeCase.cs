using Relance.Integration.Tests.Infrastructure;
using Relance.Integration.Tests.Scenarios;

namespace Relance.Integration.Tests.Audit;

/// <summary>
/// The case the audit tests examine: customer Dupont SAS of ACME, one invoice F-1 of 1,200 € due 1 April 2026,
/// chased by the standard plan up to the formal notice, approved by the manager on 14 May, posted that day and
/// its acknowledgment of receipt signed on 16 May; then two more days pass.
/// </summary>
public static class FormalNoticeCase
{
    public static readonly DateOnly Due = new(2026, 4, 1);
    public const decimal Amount = 1200m;

    public static async Task<DunningScenario> DriveAsync(TestInfrastructure infrastructure)
    {
        var s = await DunningScenario.StartAsync(infrastructure);
        try
        {
            await s.DescribeCustomer();
            await s.Invoice("F-1", Due, Amount);
            await s.RunUntilApprovalAwaited(100);
            await s.Approve();
            await s.TrackLetter("formal-notice", new { update = "posted", date = "2026-05-14", trackingNumber = "1A01234567890" }, "letter_posted");
            await s.RunDays(2);
            await s.TrackLetter("formal-notice", new { update = "acknowledged", date = "2026-05-16" }, "letter_receipt_acknowledged");
            await s.RunDays(2);
            return s;
        }
        catch
        {
            await s.DisposeAsync();
            throw;
        }
    }
}
