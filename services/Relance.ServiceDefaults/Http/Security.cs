using System.Security.Claims;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Relance.ServiceDefaults;

/// <summary>What a user may do, carried in the token's <c>role</c> claims (several allowed).</summary>
public static class RelanceRoles
{
    public const string Collector = "collector", Manager = "manager", Auditor = "auditor", Admin = "admin";
}

/// <summary>The authorization policies endpoints name (<c>RequireAuthorization(RelancePolicies.Work)</c>).</summary>
public static class RelancePolicies
{
    /// <summary>Any of the four roles: read cases, plans, trails, previews.</summary>
    public const string Read = "relance.read";
    /// <summary>Collector, manager, admin: act on cases (calls, promises, disputes, holds, notes…).</summary>
    public const string Work = "relance.work";
    /// <summary>Manager, admin: approvals, write-offs, going back a level.</summary>
    public const string Approve = "relance.approve";
    /// <summary>Admin: plans, assigning plans to customers.</summary>
    public const string Administer = "relance.admin";
}

/// <summary>The claims Relance reads, as they appear in the token (inbound claim mapping is off).</summary>
public static class RelanceClaims
{
    public const string Role = "role";
    /// <summary>A company the user works for (several allowed); <see cref="AllCompanies"/> for every company.</summary>
    public const string Company = "company";
    public const string AllCompanies = "*";
}

/// <summary>The <c>Auth</c> configuration section. One of <see cref="Authority"/> and <see cref="SigningKey"/> must be set.</summary>
/// <param name="Authority">An OpenID Connect issuer: tokens are checked against the keys of its metadata (production).</param>
/// <param name="SigningKey">A shared secret of at least 32 bytes (HS256), for development and tests.</param>
/// <param name="Issuer">The issuer tokens must name; with an Authority, the one of its metadata unless set.</param>
public sealed record AuthSettings(string? Authority = null, string Audience = AuthSettings.DefaultAudience, string? Issuer = null, string? SigningKey = null)
{
    public const string Section = "Auth";
    public const string DefaultAudience = "relance", DefaultIssuer = "relance";
    public const int MinimumKeyBytes = 32;

    public static AuthSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        return new AuthSettings(
            NullIfBlank(section["Authority"]),
            NullIfBlank(section["Audience"]) ?? DefaultAudience,
            NullIfBlank(section["Issuer"]),
            NullIfBlank(section["SigningKey"]));
    }

    /// <summary>The issuer of the tokens signed with <see cref="SigningKey"/>.</summary>
    public string SigningIssuer => Issuer ?? DefaultIssuer;

    /// <summary>Why the settings cannot authenticate anyone, or null when they can.</summary>
    /// <param name="who">Who needs them, for the message: "The reminder service", "The token command".</param>
    public string? Problem(string who) => (Authority, SigningKey) switch
    {
        (null, null) => $"{who} needs Auth:Authority (the OpenID Connect issuer of the users' tokens, in production) " +
                        $"or Auth:SigningKey (a shared secret of at least {MinimumKeyBytes} bytes, for development and tests; " +
                        "environment variable Auth__SigningKey; deploy/up.sh makes one in .relance/auth.env).",
        (not null, not null) => "Set Auth:Authority or Auth:SigningKey, not both: a shared development key must not also open a production service.",
        (null, { } key) when Encoding.UTF8.GetByteCount(key) < MinimumKeyBytes =>
            $"Auth:SigningKey is {Encoding.UTF8.GetByteCount(key)} bytes long; HS256 needs at least {MinimumKeyBytes} (e.g. `openssl rand -base64 48`).",
        _ => null,
    };

    public SymmetricSecurityKey Key() => new(Encoding.UTF8.GetBytes(SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not set")));

    static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

public static class Security
{
    static readonly string[] Readers = [RelanceRoles.Collector, RelanceRoles.Manager, RelanceRoles.Auditor, RelanceRoles.Admin];
    static readonly string[] Workers = [RelanceRoles.Collector, RelanceRoles.Manager, RelanceRoles.Admin];
    static readonly string[] Approvers = [RelanceRoles.Manager, RelanceRoles.Admin];
    static readonly string[] Administrators = [RelanceRoles.Admin];

    /// <summary>
    /// JWT bearer authentication from the Auth section (see <see cref="AuthSettings"/>; the service refuses to start
    /// without it), the four policies, and a fallback policy: every endpoint needs an authenticated user unless it
    /// says AllowAnonymous (health, the OpenAPI document).
    /// </summary>
    public static void AddRelanceSecurity(this WebApplicationBuilder builder, string serviceName)
    {
        var settings = AuthSettings.From(builder.Configuration);
        if (settings.Problem($"The {serviceName} service") is { } problem) throw new InvalidOperationException(problem);

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            // Claims keep the names they have in the token (role, company, sub…) instead of WS-Federation URIs.
            options.MapInboundClaims = false;
            options.Audience = settings.Audience;
            options.TokenValidationParameters.ValidAudience = settings.Audience;
            options.TokenValidationParameters.RoleClaimType = RelanceClaims.Role;
            options.TokenValidationParameters.NameClaimType = "preferred_username";
            options.TokenValidationParameters.ClockSkew = TimeSpan.FromMinutes(1);
            if (settings.Authority is { } authority)
            {
                options.Authority = authority;
                if (settings.Issuer is { } issuer) options.TokenValidationParameters.ValidIssuer = issuer;
            }
            else
            {
                options.TokenValidationParameters.ValidIssuer = settings.SigningIssuer;
                options.TokenValidationParameters.IssuerSigningKey = settings.Key();
                options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            }
        });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(RelancePolicies.Read, policy => policy.RequireAuthenticatedUser().RequireClaim(RelanceClaims.Role, Readers))
            .AddPolicy(RelancePolicies.Work, policy => policy.RequireAuthenticatedUser().RequireClaim(RelanceClaims.Role, Workers))
            .AddPolicy(RelancePolicies.Approve, policy => policy.RequireAuthenticatedUser().RequireClaim(RelanceClaims.Role, Approvers))
            .AddPolicy(RelancePolicies.Administer, policy => policy.RequireAuthenticatedUser().RequireClaim(RelanceClaims.Role, Administrators));
    }

    /// <summary>
    /// Authentication, authorization, then the company scope: a route naming a <c>{companyId}</c> answers 403 to a user
    /// who does not work for that company. Done here once rather than in each endpoint, so that an endpoint added
    /// later is scoped without anyone remembering to. Reading what every company shares (plans of company "*") is allowed.
    /// </summary>
    public static void UseRelanceSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(async (http, next) =>
        {
            if (http.GetRouteValue("companyId") is string companyId
                && http.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is null
                && !(companyId == RelanceClaims.AllCompanies && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))
                && !http.User.MayActFor(companyId))
            {
                await CompanyScope.Forbidden(companyId).ExecuteAsync(http);
                return;
            }
            await next(http);
        });
    }

    /// <summary>The user's name for the proof trail: preferred_username, else name, else sub.</summary>
    public static string UserName(this ClaimsPrincipal user) =>
        user.FindFirst("preferred_username")?.Value is { Length: > 0 } preferred ? preferred
        : user.FindFirst("name")?.Value is { Length: > 0 } name ? name
        : user.FindFirst("sub")?.Value is { Length: > 0 } subject ? subject
        : "anonymous";

    /// <summary>Whether the user works for the company (a <c>company</c> claim naming it, or "*").</summary>
    public static bool MayActFor(this ClaimsPrincipal user, string companyId) =>
        user.FindAll(RelanceClaims.Company).Any(c => c.Value == RelanceClaims.AllCompanies || string.Equals(c.Value, companyId, StringComparison.Ordinal));

    /// <summary>Whether the user works for every company.</summary>
    public static bool MayActForAll(this ClaimsPrincipal user) =>
        user.FindAll(RelanceClaims.Company).Any(c => c.Value == RelanceClaims.AllCompanies);

    /// <summary>The companies the user works for, as its token names them ("*" included).</summary>
    public static IReadOnlyList<string> Companies(this ClaimsPrincipal user) => [.. user.FindAll(RelanceClaims.Company).Select(c => c.Value)];

    /// <summary>Events appended because of a request: done by <c>user:{name}</c>, in the request's correlation.</summary>
    public static void AttributeTo(this IDocumentSession session, HttpContext http) =>
        session.Attribute($"user:{http.User.UserName()}", Logging.CorrelationOf(http), null);
}

/// <summary>The answer to a user asking about a company it does not work for.</summary>
public static class CompanyScope
{
    public static IResult Forbidden(string companyId) =>
        Results.Problem(
            title: "Not your company",
            detail: $"You do not work for company '{companyId}' (the token's company claims).",
            statusCode: StatusCodes.Status403Forbidden);
}
