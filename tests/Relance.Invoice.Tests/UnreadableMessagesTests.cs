using System.Text;
using Relance.ServiceDefaults;

namespace Relance.Invoice.Tests;

[Trait("Category", "Unit")]
public class UnreadableMessagesTests
{
    static ReadOnlyMemory<byte> Body(string json) => Encoding.UTF8.GetBytes(json);

    // Found by the malformed-messages drill: a body "null" failed with a bare InvalidOperationException, and went to the
    // error queue unanswered.
    [Theory]
    [InlineData("null", "it is null")]
    [InlineData("[1, 2]", "it is array")]
    [InlineData("42", "it is number")]
    [InlineData("{\"companyId\": ", "the body is not a valid JSON object")]
    public void A_body_that_is_not_a_json_object_is_refused_whatever_the_failure_said(string body, string reason)
    {
        var (field, error) = UnreadableMessages.ReasonOf(new InvalidOperationException("Operation is not valid due to the current state of the object."), Body(body))!.Value;
        Assert.Equal("$", field);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void A_json_object_that_failed_for_another_reason_is_not_refused() =>
        Assert.Null(UnreadableMessages.ReasonOf(new TimeoutException("the database did not answer"), Body("{\"companyId\": \"ACME\"}")));

    [Fact]
    public void A_json_error_names_its_field() =>
        Assert.Equal("amount", UnreadableMessages.ReasonOf(new System.Text.Json.JsonException("bad", "$.amount", 0, 12), Body("{}"))!.Value.Field);
}
