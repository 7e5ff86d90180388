using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Relance.CorrespondenceService.Correspondences;
using Relance.Integration.Tests.Infrastructure;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests;

/// <summary>
/// The HTTP APIs' security and error answers on the real services: tokens, roles, companies, problem details,
/// If-Match, and the OpenAPI document. One system for the whole class, with one ACME case (and a correspondence
/// of ACME's) made once.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ApiSecurityTests(TestInfrastructure infrastructure, ApiSecurityTests.SharedSystem shared) : IClassFixture<ApiSecurityTests.SharedSystem>
{
    const string ProblemJson = "application/problem+json";

    /// <summary>Started by the first test (a class fixture cannot take the collection's infrastructure in xUnit 2), stopped after the last.</summary>
    public sealed class SharedSystem : Infrastructure.SharedSystem
    {

        public string Customer { get; } = $"C-{Guid.NewGuid().ToString("N")[..8]}";
        public string CasePath => $"/cases/ACME/{Customer}/EUR";
        public Guid CorrespondenceId { get; } = Guid.NewGuid();


        protected override async Task<RelanceSystem> Start(TestInfrastructure infrastructure)
        {
            var system = await RelanceSystem.StartAsync(infrastructure, new DateTimeOffset(2026, 10, 20, 6, 0, 0, TimeSpan.Zero),
                Service.Invoice, Service.Reminder, Service.Correspondence);
            await system.Erp.PublishInvoiceAsync(Invoice("F-1"), $"erp-{Customer}-1");
            var admin = system.AsUser(Service.Reminder, "admin", [RelanceRoles.Admin]);
            await Eventually.Until(async () => (await admin.GetAsync(CasePath)).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "the ACME case");

            await using var session = system.Services(Service.Correspondence).GetRequiredService<IDocumentStore>().LightweightSession();
            session.Events.StartStream(CorrespondenceId.ToString(), new CorrespondenceRequested(CorrespondenceId, CasePath, "ACME", "email-reminder", Channels.Email,
                new Recipient(Customer, "Dupont SARL", "compta@dupont.test"), [], new DateOnly(2026, 10, 20), DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
            return system;
        }

        public object Invoice(string number) => new
        {
            companyId = "ACME",
            invoiceNumber = $"{Customer}-{number}",
            customer = new { customerId = Customer, name = "Dupont SARL", email = "compta@dupont.test" },
            issueDate = "2026-10-01",
            dueDate = "2026-10-31",
            amountExcludingVat = 1000m,
            amountIncludingVat = 1200m,
            currency = "EUR",
        };


    }

    Task<RelanceSystem> System() => shared.Get(infrastructure);

    async Task<HttpClient> As(Service service, string role, string company = "*") => (await System()).AsUser(service, $"{role}@relance.test", [role], company);

    static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    static HttpRequestMessage Post(string path, string json, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    async Task<(EntityTagHeaderValue ETag, long Version)> ReadCase()
    {
        var response = await (await As(Service.Reminder, RelanceRoles.Manager)).GetAsync(shared.CasePath);
        response.EnsureSuccessStatusCode();
        var etag = response.Headers.ETag!;
        return (etag, long.Parse(etag.Tag.Trim('"')));
    }

    [Fact]
    public async Task Without_a_token_the_API_answers_401_problem_details_and_health_stays_open()
    {
        var anonymous = (await System()).Http(Service.Reminder);
        var problem = await Problem(await anonymous.GetAsync(shared.CasePath), HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task An_expired_or_wrongly_signed_token_is_refused()
    {
        var system = await System();
        var expired = system.Token("alice", [RelanceRoles.Admin], lifetime: TimeSpan.FromHours(1), issuedAt: DateTimeOffset.UtcNow.AddHours(-3));
        var otherKey = DevTokens.Create(Convert.ToBase64String(new byte[48]), AuthSettings.DefaultIssuer, AuthSettings.DefaultAudience, "mallory", [RelanceRoles.Admin], ["*"], TimeSpan.FromHours(1));
        var otherAudience = DevTokens.Create(system.SigningKey, AuthSettings.DefaultIssuer, "another-api", "alice", [RelanceRoles.Admin], ["*"], TimeSpan.FromHours(1));
        foreach (var token in new[] { expired, otherKey, otherAudience, "not-a-jwt" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, shared.CasePath) { Headers = { Authorization = new("Bearer", token) } };
            var problem = await Problem(await system.Http(Service.Reminder).SendAsync(request), HttpStatusCode.Unauthorized);
            Assert.Contains("invalid", problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Roles_limit_what_a_user_may_do()
    {
        var (etag, _) = await ReadCase();
        using var approval = Post($"{shared.CasePath}/approvals/{Guid.NewGuid()}", """{"approve": true}""", etag.Tag);
        await Problem(await (await As(Service.Reminder, RelanceRoles.Auditor)).SendAsync(approval), HttpStatusCode.Forbidden);

        var plan = await (await As(Service.Reminder, RelanceRoles.Collector)).PutAsJsonAsync("/plans/ACME/acme", new { companyId = "ACME", key = "acme" });
        await Problem(plan, HttpStatusCode.Forbidden);

        // A token without any of the four roles reads nothing.
        var nobody = (await System()).AsUser(Service.Reminder, "nobody", ["guest"]);
        await Problem(await nobody.GetAsync(shared.CasePath), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await (await As(Service.Reminder, RelanceRoles.Auditor)).GetAsync(shared.CasePath)).StatusCode);
    }

    [Fact]
    public async Task A_user_of_another_company_gets_403_on_every_service()
    {
        var number = $"{shared.Customer}-F-1";
        var batipro = await As(Service.Reminder, RelanceRoles.Admin, "BATIPRO");
        var problem = await Problem(await batipro.GetAsync(shared.CasePath), HttpStatusCode.Forbidden);
        Assert.Contains("ACME", problem.GetProperty("detail").GetString());
        await Problem(await batipro.GetAsync($"{shared.CasePath}/events"), HttpStatusCode.Forbidden);
        await Problem(await batipro.GetAsync("/preview?companyId=ACME"), HttpStatusCode.Forbidden);
        await Problem(await batipro.GetAsync("/preview"), HttpStatusCode.BadRequest); // names no company, and may not see them all
        await Problem(await batipro.PutAsJsonAsync($"/customers/ACME/{shared.Customer}/plan", new { planKey = (string?)null }), HttpStatusCode.Forbidden);
        Assert.DoesNotContain((await batipro.GetFromJsonAsync<JsonElement[]>("/plans"))!, p => p.GetProperty("companyId").GetString() == "ACME");
        Assert.Equal(HttpStatusCode.OK, (await batipro.GetAsync("/plans/*/standard/versions")).StatusCode); // the plan every company shares

        var invoice = await Eventually.Get(async () =>
            await (await As(Service.Invoice, RelanceRoles.Auditor, "ACME")).GetAsync($"/invoices/ACME/{number}") is { IsSuccessStatusCode: true } ok ? ok : null,
            TimeSpan.FromSeconds(10), "the invoice");
        await Problem(await (await As(Service.Invoice, RelanceRoles.Auditor, "BATIPRO")).GetAsync($"/invoices/ACME/{number}"), HttpStatusCode.Forbidden);

        var correspondence = $"/correspondences/{shared.CorrespondenceId}";
        Assert.Equal(HttpStatusCode.OK, (await (await As(Service.Correspondence, RelanceRoles.Auditor, "ACME")).GetAsync(correspondence)).StatusCode);
        var stranger = await As(Service.Correspondence, RelanceRoles.Auditor, "BATIPRO");
        foreach (var path in new[] { correspondence, $"{correspondence}/events", $"{correspondence}/content", $"{correspondence}/postal-tracking", $"{correspondence}/postal-tracking/acknowledgment-card" })
            await Problem(await stranger.GetAsync(path), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_case_answers_its_stream_version_as_a_strong_ETag()
    {
        var manager = await As(Service.Reminder, RelanceRoles.Manager);
        var response = await manager.GetAsync(shared.CasePath);
        var events = (await manager.GetFromJsonAsync<JsonElement[]>($"{shared.CasePath}/events"))!;
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.Equal(HttpConcurrency.ETag(events[^1].GetProperty("version").GetInt64()), response.Headers.ETag.Tag);
        Assert.Equal(events[^1].GetProperty("version").GetInt64(), (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_decision_on_a_stale_view_of_the_case_is_refused_with_412_and_the_current_version()
    {
        var system = await System();
        var manager = await As(Service.Reminder, RelanceRoles.Manager);
        var (seen, version) = await ReadCase();
        // Meanwhile the ERP sends another invoice of the customer: the case moves on.
        await system.Erp.PublishInvoiceAsync(shared.Invoice($"F-{Guid.NewGuid().ToString("N")[..6]}"), $"erp-{Guid.NewGuid()}");
        var current = await Eventually.Get(async () => (await ReadCase()) is var read && read.Version > version ? (object)read.Version : null, TimeSpan.FromSeconds(30), "the case moving on");

        foreach (var (path, body) in new[] { ($"{shared.CasePath}/approvals/{Guid.NewGuid()}", """{"approve": true}"""), ($"{shared.CasePath}/plan", """{"reason": "a new plan"}""") })
        {
            using var stale = Post(path, body, seen.Tag);
            var response = await manager.SendAsync(stale);
            var problem = await Problem(response, HttpStatusCode.PreconditionFailed);
            Assert.Contains("changed since you read it", problem.GetProperty("detail").GetString());
            var now = (await ReadCase()).Version;
            Assert.Equal(now, problem.GetProperty("currentVersion").GetInt64());
            Assert.True(now >= (long)current);
        }

        // On the current view the same request is heard: no such action awaits approval.
        using var fresh = Post($"{shared.CasePath}/approvals/{Guid.NewGuid()}", """{"approve": true}""", (await ReadCase()).ETag.Tag);
        await Problem(await manager.SendAsync(fresh), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_decision_needs_If_Match_with_one_strong_ETag()
    {
        var manager = await As(Service.Reminder, RelanceRoles.Manager);
        var path = $"{shared.CasePath}/approvals/{Guid.NewGuid()}";
        using (var missing = Post(path, """{"approve": true}""", null))
            await Problem(await manager.SendAsync(missing), (HttpStatusCode)428);
        foreach (var malformed in new[] { "*", "W/\"3\"", "3", "\"three\"", "\"1\", \"2\"" })
        {
            using var request = Post(path, """{"approve": true}""", malformed);
            var problem = await Problem(await manager.SendAsync(request), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("If-Match", out _), malformed);
        }
    }

    [Fact]
    public async Task A_body_that_does_not_bind_answers_400_naming_the_field()
    {
        var manager = await As(Service.Reminder, RelanceRoles.Manager);
        var (etag, _) = await ReadCase();
        using (var wrongType = Post($"{shared.CasePath}/approvals/{Guid.NewGuid()}", """{"approve": "yes please"}""", etag.Tag))
        {
            var problem = await Problem(await manager.SendAsync(wrongType), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("approve", out _), problem.ToString());
            Assert.Contains("$.approve", problem.GetProperty("detail").GetString());
        }
        using (var broken = Post($"{shared.CasePath}/plan", """{"reason": "half""", etag.Tag))
            await Problem(await manager.SendAsync(broken), HttpStatusCode.BadRequest);
        using (var notJson = new HttpRequestMessage(HttpMethod.Post, $"{shared.CasePath}/plan") { Content = new StringContent("reason=x", Encoding.UTF8, "text/plain") })
            await Problem(await manager.SendAsync(notJson), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Errors_of_the_framework_answer_problem_details()
    {
        var manager = await As(Service.Reminder, RelanceRoles.Manager);
        await Problem(await manager.GetAsync($"/cases/ACME/{shared.Customer}/USD"), HttpStatusCode.NotFound);
        await Problem(await manager.GetAsync("/nothing/here"), HttpStatusCode.NotFound);
        await Problem(await manager.DeleteAsync("/plans"), HttpStatusCode.MethodNotAllowed);
    }

    [Theory]
    [InlineData(Service.Invoice)]
    [InlineData(Service.Reminder)]
    [InlineData(Service.Correspondence)]
    public async Task The_OpenAPI_document_is_served_to_anyone_and_lists_every_endpoint_with_the_bearer_it_needs(Service service)
    {
        var system = await System();
        var response = await system.Http(service).GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());

        var endpoints = system.Services(service).GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/health", StringComparison.Ordinal) && !raw.StartsWith("/openapi", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(method =>
                (Path: Regex.Replace(e.RoutePattern.RawText!, ":[^}]+}", "}").TrimEnd('/'), Method: method.ToLowerInvariant(),
                 Anonymous: e.Metadata.GetMetadata<IAllowAnonymous>() is not null)))
            .ToList();
        Assert.NotEmpty(endpoints);
        var paths = document.GetProperty("paths");
        foreach (var (path, method, anonymous) in endpoints)
        {
            var operation = paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out var found) ? found : default;
            Assert.True(operation.ValueKind == JsonValueKind.Object, $"{method} {path} is not in the document");
            Assert.True(operation.TryGetProperty("operationId", out _), $"{method} {path} has no name");
            Assert.True(operation.TryGetProperty("summary", out _), $"{method} {path} has no summary");
            // The providers' callbacks (bounces, delivery reports) take a shared secret, not a user's token.
            if (anonymous) Assert.False(operation.TryGetProperty("security", out _), $"{method} {path} is anonymous but asks for a token");
            else Assert.Contains(operation.GetProperty("security").EnumerateArray(), requirement => requirement.TryGetProperty("Bearer", out _));
        }
    }
}

/// <summary>The pipeline every host gets from ServiceDefaults, on a bare host with no store or broker.</summary>
[Trait("Category", "Unit")]
public sealed class HttpDefaultsTests
{
    [Fact]
    public void A_service_without_a_signing_key_or_an_authority_refuses_to_start_and_says_which_setting()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => RelanceHost.CreateBuilder(["--Auth:SigningKey=", "--Auth:Authority="], "test", 0));
        Assert.Contains("Auth:SigningKey", refused.Message);
        Assert.Contains("Auth:Authority", refused.Message);
        Assert.Contains("at least 32", Assert.Throws<InvalidOperationException>(() => RelanceHost.CreateBuilder(["--Auth:SigningKey=too-short", "--Auth:Authority="], "test", 0)).Message);
    }

    [Fact]
    public async Task An_unhandled_exception_answers_500_problem_details_without_its_stack_trace()
    {
        var builder = RelanceHost.CreateBuilder(["--urls=http://127.0.0.1:0", $"--Auth:SigningKey={new string('k', 40)}", "--Auth:Authority=", "--Serilog:MinimumLevel:Default=Fatal"], "test", 0);
        await using var app = builder.Build();
        app.UseRelanceDefaults();
        app.MapGet("/boom", string () => throw new InvalidOperationException("secret internals")).AllowAnonymous();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var response = await http.GetAsync("/boom");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret internals", body);
        Assert.DoesNotContain("   at ", body);
        await app.StopAsync();
    }
}
