namespace Relance.CorrespondenceService.Sms;

/// <summary>French mobile numbers, as the ERPs write them, in E.164 as SMS gateways want them. Pure.</summary>
public static class PhoneNumbers
{
    /// <summary>
    /// "06 12 34 56 78", "+33 6 12 34 56 78", "+33 (0)6 12…", "0033612345678" → "+33612345678"; null for anything
    /// else: a landline (it cannot receive an SMS), a foreign number, or no number.
    /// </summary>
    public static string? FrenchMobile(string? written)
    {
        if (string.IsNullOrWhiteSpace(written)) return null;
        var compact = written.Replace("(0)", "");
        if (compact.Any(c => !(char.IsAsciiDigit(c) || c is '+' or ' ' or '.' or '-' or '(' or ')' or '\u00A0'))) return null;
        var digits = new string([.. compact.Where(c => char.IsAsciiDigit(c) || c == '+')]);
        var national = digits switch
        {
            _ when digits.StartsWith("+33", StringComparison.Ordinal) => digits[3..],
            _ when digits.StartsWith("0033", StringComparison.Ordinal) => digits[4..],
            ['0', .. var rest] when rest.Length == 9 => rest,
            _ => null,
        };
        return national is { Length: 9 } && national.All(char.IsAsciiDigit) && national[0] is '6' or '7' ? $"+33{national}" : null;
    }
}
