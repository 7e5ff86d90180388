using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Relance.Cli;
using Relance.Cli.Dossier;
using Relance.Cli.Timeline;
using Relance.ReminderService.Audit;
using Relance.ServiceDefaults.Audit.Timeline;

namespace Relance.Audit.Tests;

[Trait("Category", "Unit")]
public sealed class TimelineCommandTests
{
    [Fact]
    public void The_subject_is_read_from_exactly_one_of_case_customer_and_invoice()
    {
        Assert.Equal(new AuditSubject.Case("ACME", "C-1", "EUR"), TimelineCommand.Subject("ACME/C-1/EUR", null, null).Subject);
        Assert.Equal(new AuditSubject.Customer("ACME", "C-1"), TimelineCommand.Subject(null, "ACME/C-1", null).Subject);
        // An invoice number may contain '/': the company is what comes before the first.
        Assert.Equal(new AuditSubject.Invoice("ACME", "F/2026/1"), TimelineCommand.Subject(null, null, "ACME/F/2026/1").Subject);

        Assert.Throws<CliException>(() => TimelineCommand.Subject(null, null, null));
        Assert.Throws<CliException>(() => TimelineCommand.Subject("ACME/C-1/EUR", "ACME/C-1", null));
        Assert.Contains("company/customer/currency", Assert.Throws<CliException>(() => TimelineCommand.Subject("ACME/C-1", null, null)).Message);
        Assert.Throws<CliException>(() => TimelineCommand.Subject(null, null, "F-1"));
    }

    [Fact]
    public void A_case_is_read_as_the_litigation_file_reads_it_a_customer_id_holding_slashes_included()
    {
        foreach (var text in new[] { "ACME/C-1/EUR", "ACME/DIV/7/EUR" })
        {
            var key = CaseKey.Parse(text);
            Assert.Equal(new AuditSubject.Case(key.CompanyId, key.CustomerId, key.Currency), TimelineCommand.Subject(text, null, null).Subject);
        }
        Assert.Equal(new AuditSubject.Case("ACME", "DIV/7", "EUR"), TimelineCommand.Subject("ACME/DIV/7/EUR", null, null).Subject);
        Assert.Equal(new AuditSubject.Customer("ACME", "DIV/7"), TimelineCommand.Subject(null, "ACME/DIV/7", null).Subject);
        foreach (var wrong in new[] { "ACME/C-1", "/C-1/EUR", "ACME//EUR", "ACME/C-1/" })
            Assert.Contains("company/customer/currency", Assert.Throws<CliException>(() => TimelineCommand.Subject(wrong, null, null)).Message);
        Assert.Throws<CliException>(() => TimelineCommand.Subject(null, "ACME/", null));
    }

    [Fact]
    public async Task A_timeline_command_without_a_subject_exits_2_and_says_what_to_give()
    {
        var error = new StringWriter();
        var exit = await RelanceCli.RunAsync(["audit", "timeline", "--reminder-db", "Host=nowhere"], new StringWriter(), error);
        Assert.Equal(2, exit);
        Assert.Contains("--case", error.ToString());
    }

    [Fact]
    public void The_audit_API_without_the_other_stores_answers_503_naming_the_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Marten"] = "Host=db;Database=relance_reminder",
            ["Audit:Stores:Invoice"] = "Host=db;Database=relance_invoice",
        }).Build();

        var (stores, problem) = AuditAccess.Stores(configuration);

        Assert.Null(stores);
        var details = Assert.IsType<ProblemHttpResult>(problem);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, details.StatusCode);
        Assert.Contains("Audit:Stores:Correspondence", details.ProblemDetails.Detail);
        Assert.DoesNotContain("Audit:Stores:Invoice", details.ProblemDetails.Detail);
    }
}
