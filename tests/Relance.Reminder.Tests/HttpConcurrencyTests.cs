using Microsoft.AspNetCore.Http;
using Relance.ServiceDefaults;

namespace Relance.Reminder.Tests;

/// <summary>If-Match as the case endpoints read it: one strong ETag holding a version, nothing else.</summary>
[Trait("Category", "Unit")]
public class HttpConcurrencyTests
{
    static (bool Ok, long Version, int? Status) Read(params string[] ifMatch)
    {
        var http = new DefaultHttpContext();
        if (ifMatch.Length > 0) http.Request.Headers.IfMatch = ifMatch;
        var ok = HttpConcurrency.TryGetExpectedVersion(http.Request, out var version, out var problem);
        Assert.Equal(ok, problem is null);
        return (ok, version, (problem as IStatusCodeHttpResult)?.StatusCode);
    }

    [Fact]
    public void The_ETag_of_a_version_is_strong_and_reads_back()
    {
        Assert.Equal("\"42\"", HttpConcurrency.ETag(42));
        Assert.Equal((true, 42, null), Read(HttpConcurrency.ETag(42)));
        Assert.Equal((true, 0, null), Read("\"0\""));
        Assert.Equal((true, 7, null), Read(" \"7\" "));
    }

    [Fact]
    public void Without_If_Match_the_answer_is_428()
    {
        Assert.Equal((false, 0, 428), Read());
        Assert.Equal((false, 0, 428), Read(""));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("W/\"3\"")]
    [InlineData("3")]
    [InlineData("\"three\"")]
    [InlineData("\"-3\"")]
    [InlineData("\"1\", \"2\"")]
    [InlineData("\"99999999999999999999\"")]
    public void Anything_but_one_strong_ETag_of_a_version_is_400(string ifMatch) =>
        Assert.Equal((false, 0, 400), Read(ifMatch));

    [Fact]
    public void Two_If_Match_headers_are_400() => Assert.Equal((false, 0, 400), Read("\"1\"", "\"2\""));

    [Fact]
    public void The_new_ETag_goes_on_the_response()
    {
        var http = new DefaultHttpContext();
        HttpConcurrency.SetETag(http.Response, 12);
        Assert.Equal("\"12\"", http.Response.Headers.ETag.ToString());
    }
}
