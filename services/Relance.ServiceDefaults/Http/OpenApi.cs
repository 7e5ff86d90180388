using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Relance.ServiceDefaults;

/// <summary>
/// The service's OpenAPI document at /openapi/v1.json, served to anyone: every endpoint with its name, summary and
/// answers, and the bearer token it needs (all but the anonymous ones).
/// </summary>
public static class OpenApi
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string BearerScheme = "Bearer";

    public static void AddRelanceOpenApi(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = $"Relance {serviceName} API";
                document.Info.Description = "Roles and companies come from the bearer token's role and company claims; see README.md, \"Authentication and roles\".";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A JWT with role claims (collector, manager, auditor, admin) and company claims (a company id, or * for all).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<HttpConcurrency.IfMatchRequired>().Any())
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = "If-Match",
                        In = ParameterLocation.Header,
                        Required = true,
                        Description = "The ETag of the case as you read it (GET), e.g. \"12\": refused with 412 if it changed since.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    });
                }
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
                operation.Responses ??= [];
                operation.Responses.TryAdd(StatusCodes.Status401Unauthorized.ToString(), new OpenApiResponse { Description = "No token, or an invalid or expired one (problem details)" });
                operation.Responses.TryAdd(StatusCodes.Status403Forbidden.ToString(), new OpenApiResponse { Description = "A role or company the token does not give (problem details)" });
                return Task.CompletedTask;
            });
        });
    }

    public static void MapRelanceOpenApi(this WebApplication app) => app.MapOpenApi(DocumentPath).AllowAnonymous();
}
