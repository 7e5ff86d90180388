using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Relance.ServiceDefaults;

/// <summary>
/// Tokens signed with the shared development key (Auth:SigningKey), for a developer's curl and for the tests. In
/// production the users' tokens come from the identity provider named by Auth:Authority, and this refuses.
/// A token's lifetime is real time: IdentityModel checks it against the system clock, not the business clock
/// the tests move.
/// </summary>
public static class DevTokens
{
    public static string Create(
        string signingKey, string issuer, string audience, string user, IEnumerable<string> roles, IEnumerable<string> companies,
        TimeSpan lifetime, DateTimeOffset? issuedAt = null)
    {
        var settings = new AuthSettings(Audience: audience, Issuer: issuer, SigningKey: signingKey);
        if (settings.Problem("A token") is { } problem) throw new InvalidOperationException(problem);
        // The services check a token's times against the real clock (JWT validation), not a business clock moved by tests.
        var now = issuedAt ?? TimeProvider.System.GetUtcNow();
        var claims = new List<Claim> { new("sub", user), new("preferred_username", user) };
        claims.AddRange(roles.Select(role => new Claim(RelanceClaims.Role, role)));
        claims.AddRange(companies.Select(company => new Claim(RelanceClaims.Company, company)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(settings.Key(), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token for these settings' issuer, audience and key.</summary>
    public static string Create(AuthSettings settings, string user, IEnumerable<string> roles, IEnumerable<string> companies, TimeSpan lifetime) =>
        Create(settings.SigningKey ?? "", settings.SigningIssuer, settings.Audience, user, roles, companies, lifetime);

    public static bool Requested(string[] args) => args.FirstOrDefault() == "token";

    /// <summary>
    /// The command line: <c>token --user alice --role manager [--role auditor] [--company ACME|*] [--hours 8]</c>, with the
    /// service's configuration (appsettings, environment such as Auth__SigningKey, <c>--Auth:SigningKey=…</c>): prints the
    /// token alone on stdout, what it grants on stderr.
    /// </summary>
    public static int RunCommandLine(string[] args)
    {
        var options = args.Skip(1).ToList();
        IReadOnlyList<string> All(string name) => [.. options.Select((a, i) => (a, i)).Where(x => x.a == name && x.i + 1 < options.Count).Select(x => options[x.i + 1])];
        var user = All("--user").LastOrDefault();
        var roles = All("--role");
        var companies = All("--company") is { Count: > 0 } named ? named : [RelanceClaims.AllCompanies];
        var hours = All("--hours").LastOrDefault() is { } h ? double.Parse(h, CultureInfo.InvariantCulture) : 8;
        string[] known = [RelanceRoles.Collector, RelanceRoles.Manager, RelanceRoles.Auditor, RelanceRoles.Admin];
        if (user is null || roles.Count == 0 || roles.Except(known).Any())
        {
            Console.Error.WriteLine($"usage: token --user NAME --role ROLE [--role ROLE…] [--company ID|* …] [--hours 8]; roles: {string.Join(", ", known)}");
            return 2;
        }

        var configuration = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. options.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('='))],
            // The service's appsettings sit next to its binary, wherever the command is run from.
            ContentRootPath = AppContext.BaseDirectory,
        }).Configuration;
        var settings = AuthSettings.From(configuration);
        if (settings.Authority is { } authority)
        {
            Console.Error.WriteLine($"Auth:Authority is set ({authority}): users get their tokens from it, not from this command.");
            return 1;
        }
        if (settings.Problem("The token command") is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 1;
        }
        Console.WriteLine(Create(settings, user, roles, companies, TimeSpan.FromHours(hours)));
        Console.Error.WriteLine($"token for {user}: roles {string.Join(", ", roles)}; companies {string.Join(", ", companies)}; valid {hours} h");
        return 0;
    }
}
