using System.Collections.Immutable;
using System.Globalization;

namespace Relance.ReminderService.LatePayment;

/// <summary>
/// The legal figures of late payment between businesses (Code de commerce L441-10, D441-5), as dated
/// configuration (the "LatePaymentLaw" section): they change every half-year and must never be constants.
/// </summary>
public sealed record LatePaymentLaw
{
    /// <summary>Half-years and their rates. A date outside every period has no legal rate: claiming fails loudly.</summary>
    public RatePeriod[] Periods { get; init; } = [];

    public DatedIndemnity[] RecoveryIndemnities { get; init; } = [];

    /// <summary>A contractual rate may not be lower than this many times the legal interest rate.</summary>
    public decimal ContractualRateFloorMultiple { get; init; } = 3;

    public DatedPaymentTerms[] PaymentTerms { get; init; } = [];

    public RatePeriod PeriodOn(DateOnly day) =>
        Periods.FirstOrDefault(p => p.From <= day && day <= p.To)
        ?? throw new LegalFigureMissingException($"LatePaymentLaw:Periods has no period covering {day:yyyy-MM-dd}");

    public DatedIndemnity IndemnityOn(DateOnly day) =>
        RecoveryIndemnities.Where(i => i.From <= day).MaxBy(i => i.From)
        ?? throw new LegalFigureMissingException($"LatePaymentLaw:RecoveryIndemnities has no amount in force on {day:yyyy-MM-dd}");

    /// <summary>The last day the rate table covers; none when it is empty.</summary>
    public DateOnly? CoveredUntil => Periods.Length == 0 ? null : Periods.Max(p => p.To);

    public DatedPaymentTerms? TermsOn(DateOnly day) => PaymentTerms.Where(t => t.From <= day).MaxBy(t => t.From);

    /// <summary>
    /// Penalties on <paramref name="outstanding"/> unpaid from the day after <paramref name="dueDate"/> to
    /// <paramref name="asOf"/>: simple interest, amount × rate × days / 365, each day at the rate of the
    /// half-year it falls in (the ECB main refinancing rate on 1 January or 1 July plus the legal margin),
    /// unless the contract sets its own rate (never below the legal floor).
    /// </summary>
    public PenaltyComputation Penalty(decimal outstanding, DateOnly dueDate, DateOnly asOf, decimal? contractualRatePercent)
    {
        var daysLate = Math.Max(0, asOf.DayNumber - dueDate.DayNumber);
        if (daysLate == 0) return new PenaltyComputation(0, 0, 0, "not late");

        decimal interest = 0, lastRate = 0;
        var bases = new List<string>();
        var day = dueDate.AddDays(1);
        while (day <= asOf)
        {
            var period = PeriodOn(day);
            var end = period.To < asOf ? period.To : asOf;
            var days = end.DayNumber - day.DayNumber + 1;
            var (rate, basis) = RateIn(period, contractualRatePercent);
            interest += outstanding * rate / 100m * days / 365m;
            lastRate = rate;
            bases.Add(string.Create(French, $"{basis}, du {day:dd/MM/yyyy} au {end:dd/MM/yyyy} ({days} j)"));
            day = end.AddDays(1);
        }
        return new PenaltyComputation(daysLate, lastRate, Math.Round(interest, 2, MidpointRounding.AwayFromZero), string.Join("; ", bases));
    }

    // The basis is printed as it is in the letters (French) and sent to the ERP for its invoice text.
    (decimal Rate, string Basis) RateIn(RatePeriod period, decimal? contractual)
    {
        var legal = period.EcbMainRefinancingRatePercent + period.PenaltyMarginPoints;
        var legalBasis = string.Create(French,
            $"{legal:0.##} % (taux de refinancement de la BCE de {period.EcbMainRefinancingRatePercent:0.##} % majoré de {period.PenaltyMarginPoints:0.##} points, art. L441-10 du Code de commerce)");
        if (contractual is not { } rate) return (legal, legalBasis);
        if (period.LegalInterestRatePercent is { } legalInterest && rate < ContractualRateFloorMultiple * legalInterest)
        {
            var floor = ContractualRateFloorMultiple * legalInterest;
            return (floor, string.Create(French,
                $"{floor:0.##} % (le taux contractuel de {rate:0.##} % étant inférieur à {ContractualRateFloorMultiple:0.#} fois le taux de l'intérêt légal de {legalInterest:0.##} %)"));
        }
        return (rate, string.Create(French, $"{rate:0.##} % (taux prévu au contrat)"));
    }

    static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    /// <summary>Whether the invoice's payment terms exceed the legal maximum; null when they comply or no terms are configured.</summary>
    public string? PaymentTermsBreach(DateOnly issueDate, DateOnly dueDate)
    {
        if (TermsOn(issueDate) is not { } terms) return null;
        // "45 days end of month" is read both ways in practice (45 days then the end of that month, or the end
        // of the month then 45 days): an invoice within either reading, or within 60 days, is not flagged.
        static DateOnly EndOfMonth(DateOnly d) => new(d.Year, d.Month, DateTime.DaysInMonth(d.Year, d.Month));
        DateOnly[] limits = [issueDate.AddDays(terms.MaxDaysFromIssue), EndOfMonth(issueDate.AddDays(terms.MaxDaysEndOfMonth)), EndOfMonth(issueDate).AddDays(terms.MaxDaysEndOfMonth)];
        var latest = limits.Max();
        return dueDate <= latest
            ? null
            : $"due {dueDate:yyyy-MM-dd}, {dueDate.DayNumber - issueDate.DayNumber} days after its issue: beyond the legal maximum of {terms.MaxDaysFromIssue} days from issue or {terms.MaxDaysEndOfMonth} days end of month ({latest:yyyy-MM-dd}, L441-10 I)";
    }
}

/// <param name="PenaltyMarginPoints">Points added to the ECB rate when the contract sets none (10).</param>
/// <param name="LegalInterestRatePercent">The legal interest rate for professionals in the half-year, for the contractual floor; none when not configured.</param>
public sealed record RatePeriod(DateOnly From, DateOnly To, decimal EcbMainRefinancingRatePercent, decimal PenaltyMarginPoints, decimal? LegalInterestRatePercent = null);

public sealed record DatedIndemnity(DateOnly From, decimal Amount, string Currency);

public sealed record DatedPaymentTerms(DateOnly From, int MaxDaysFromIssue, int MaxDaysEndOfMonth);

public sealed record PenaltyComputation(int DaysLate, decimal AnnualRatePercent, decimal Amount, string Basis);

public sealed class LegalFigureMissingException(string message) : Exception(message);
