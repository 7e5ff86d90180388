namespace Relance.Cli.Dossier;

/// <summary>A dunning case as the command names it: company/customer/currency, the Reminder service's stream key.</summary>
public sealed record CaseKey(string CompanyId, string CustomerId, string Currency)
{
    public string StreamKey => $"{CompanyId}/{CustomerId}/{Currency}";

    /// <summary>"ACME/C-1/EUR"; a customer id may itself hold slashes: the company is the first part, the currency the last.</summary>
    public static CaseKey Parse(string text)
    {
        var first = text.IndexOf('/');
        var last = text.LastIndexOf('/');
        if (first <= 0 || last <= first + 1 || last == text.Length - 1)
            throw new CliException($"--case {text}: expected company/customer/currency, e.g. ACME/C-1/EUR.");
        return new CaseKey(text[..first], text[(first + 1)..last], text[(last + 1)..]);
    }
}
