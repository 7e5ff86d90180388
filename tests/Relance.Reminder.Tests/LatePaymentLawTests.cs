using Relance.ReminderService.LatePayment;

namespace Relance.Reminder.Tests;

[Trait("Category", "Unit")]
public class LatePaymentLawTests
{
    static readonly LatePaymentLaw Law = CaseSimulation.Law;

    [Fact]
    public void Penalties_run_from_the_day_after_the_due_date_each_day_at_its_half_years_rate()
    {
        // Due 15 June 2026, claimed 14 July: 15 days of June at 12.15 % (ECB 2.15 % + 10, first half-year) then 14 days of July at the same.
        var penalty = Law.Penalty(10_000m, new DateOnly(2026, 6, 15), new DateOnly(2026, 7, 14), null);
        Assert.Equal(29, penalty.DaysLate);
        Assert.Equal(Math.Round(10_000m * 0.1215m * 15 / 365 + 10_000m * 0.1215m * 14 / 365, 2), penalty.Amount);
        Assert.Contains("12,15 % (taux de refinancement de la BCE de 2,15 % majoré de 10 points, art. L441-10 du Code de commerce), du 16/06/2026 au 30/06/2026 (15 j)", penalty.Basis);
        Assert.Contains("du 01/07/2026 au 14/07/2026 (14 j)", penalty.Basis);
    }

    [Fact]
    public void A_debt_late_across_a_rate_change_takes_each_rate_for_its_days()
    {
        // Due 20 June 2025, claimed 10 July 2025: 10 days at 13.15 % (ECB 3.15 % on 1 January 2025), 10 days at 12.15 % (2.15 % on 1 July).
        var penalty = Law.Penalty(1_000m, new DateOnly(2025, 6, 20), new DateOnly(2025, 7, 10), null);
        Assert.Equal(Math.Round(1_000m * 0.1315m * 10 / 365 + 1_000m * 0.1215m * 10 / 365, 2), penalty.Amount);
        Assert.Equal(12.15m, penalty.AnnualRatePercent);
    }

    [Fact]
    public void A_contractual_rate_applies_but_never_below_three_times_the_legal_interest_rate()
    {
        var contractual = Law.Penalty(1_000m, new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), 15m);
        Assert.Equal((15m, Math.Round(1_000m * 0.15m * 30 / 365, 2)), (contractual.AnnualRatePercent, contractual.Amount));
        var tooLow = Law.Penalty(1_000m, new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), 5m);
        Assert.Equal(3 * 2.62m, tooLow.AnnualRatePercent); // 2.62 % legal rate for professionals, first half of 2026
        Assert.Contains("le taux contractuel de 5 % étant inférieur à 3 fois le taux de l'intérêt légal de 2,62 %", tooLow.Basis);
    }

    // Worked by hand (amount × rate × days / 365 per half-year, summed, rounded to the cent) from the rates in
    // late-payment-law.json, so that a change of formula or of the configured rates shows here.
    [Theory]
    [InlineData(10_000, "2026-06-15", "2026-07-14", null, 29, 12.15, 96.53)]  // 15 + 14 days at 12.15 %: 96.534…
    [InlineData(1_000, "2025-06-20", "2025-07-10", null, 20, 12.15, 6.93)]    // 10 days at 13.15 % (3.6027) + 10 at 12.15 % (3.3288)
    [InlineData(5_000, "2025-05-31", "2026-01-31", null, 245, 12.15, 411.88)] // 30 days at 13.15 % (54.0411) + 184 + 31 days at 12.15 % (357.8425): three half-years
    [InlineData(1_000, "2026-03-01", "2026-03-31", 15.0, 30, 15, 12.33)]        // the contract's 15 %: 12.3288
    [InlineData(1_000, "2026-03-01", "2026-03-31", 5.0, 30, 7.86, 6.46)]        // 5 % < 3 × 2.62 %: the floor of 7.86 % applies, 6.4603
    public void Penalties_match_the_figures_worked_by_hand(
        int amount, string due, string asOf, double? contractualRate, int daysLate, double rate, double penalty)
    {
        var computed = Law.Penalty(amount, DateOnly.Parse(due), DateOnly.Parse(asOf), (decimal?)contractualRate);
        Assert.Equal((daysLate, (decimal)rate, (decimal)penalty), (computed.DaysLate, computed.AnnualRatePercent, computed.Amount));
    }

    [Fact]
    public void Nothing_is_owed_before_the_day_after_the_due_date() =>
        Assert.Equal(0m, Law.Penalty(1_000m, new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 1), null).Amount);

    [Fact]
    public void A_day_outside_every_configured_period_fails_loudly_rather_than_guessing_a_rate() =>
        Assert.Throws<LegalFigureMissingException>(() => Law.Penalty(1_000m, new DateOnly(2027, 1, 10), new DateOnly(2027, 2, 1), null));

    [Fact]
    public void The_recovery_indemnity_is_40_euros() =>
        Assert.Equal((40m, "EUR"), (Law.IndemnityOn(new DateOnly(2026, 5, 1)).Amount, Law.IndemnityOn(new DateOnly(2026, 5, 1)).Currency));

    [Theory]
    [InlineData("2026-01-10", "2026-03-11", false)] // 60 days from issue
    [InlineData("2026-01-10", "2026-03-18", true)]  // beyond 60 days (11 March), 45 days then end of month (28 February), end of month then 45 days (17 March)
    [InlineData("2026-01-20", "2026-03-31", false)] // 45 days is 6 March → end of month 31 March
    [InlineData("2026-01-20", "2026-04-01", true)]
    [InlineData("2026-01-05", "2026-03-17", false)] // end of January, then 45 days: the other accepted reading
    [InlineData("2026-01-05", "2026-03-18", true)]
    public void Payment_terms_beyond_60_days_or_45_days_end_of_month_are_flagged(string issued, string due, bool flagged) =>
        Assert.Equal(flagged, Law.PaymentTermsBreach(DateOnly.Parse(issued), DateOnly.Parse(due)) is not null);
}
