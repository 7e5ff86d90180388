using System.Text.Json;
using Relance.CorrespondenceService.Correspondences.RecordingBounces;
using Relance.ServiceDefaults;
using Relance.Testing;
using Messages = Relance.Contracts.Correspondence;

namespace Relance.Correspondence.Tests;

/// <summary>The mail system's bounce message: its schema's examples are accepted, and a wrong one is refused with every reason.</summary>
[Trait("Category", "Unit")]
public class BounceTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
    static readonly string Contracts = Path.Combine(Repository.Root(), "contracts");
    const string Id = "7d0c1f7e-6a3b-4b53-8d3e-2f1c9a8b7e10";

    static readonly Messages.EmailBounced Bounce = new($"<{Guid.Parse(Id):N}@relance>", null, "compta@dupont.fr", "5.1.1", "User unknown", Now.AddMinutes(-5));

    [Fact]
    public void Every_example_of_the_schema_is_accepted_and_names_its_correspondence()
    {
        var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Contracts, "schemas", Messages.MailTopology.BouncedSchemaFile))).RootElement;
        foreach (var example in schema.GetProperty("examples").EnumerateArray())
        {
            var (id, bounced) = Bounces.Check(example.Deserialize<Messages.EmailBounced>(JsonSerializerOptions.Web)!, Now);
            Assert.Equal((Id, "compta@dupont.fr", Now), (id, bounced.Recipient, bounced.RecordedAt));
        }
    }

    [Fact]
    public void The_asyncapi_document_describes_the_exchange() =>
        Assert.Contains($"address: {Messages.MailTopology.BouncedExchange}", File.ReadAllText(Path.Combine(Contracts, "asyncapi.yaml")));

    [Fact]
    public void A_bounce_by_message_id_or_by_correspondence_id_names_the_same_correspondence()
    {
        Assert.Equal(Id, Bounces.Check(Bounce, Now).CorrespondenceId);
        Assert.Equal(Id, Bounces.Check(Bounce with { MessageId = $"{Guid.Parse(Id):N}@relance" }, Now).CorrespondenceId);
        Assert.Equal(Id, Bounces.Check(Bounce with { MessageId = null, CorrespondenceId = Id }, Now).CorrespondenceId);
    }

    static IEnumerable<string> Refused(Messages.EmailBounced bounce) =>
        Assert.Throws<MessageRejectedException>(() => Bounces.Check(bounce, Now)).Reasons.Select(r => r.Field);

    [Fact]
    public void A_wrong_bounce_is_refused_with_every_reason()
    {
        Assert.Equal(["messageId", "recipient", "statusCode", "bouncedAt"], Refused(new(null, null, null, null, null, null)));
        Assert.Equal(["messageId"], Refused(Bounce with { MessageId = "<abc@gmail.com>" }));
        Assert.Equal(["correspondenceId"], Refused(Bounce with { CorrespondenceId = "42" }));
        Assert.Equal(["correspondenceId"], Refused(Bounce with { CorrespondenceId = Guid.NewGuid().ToString() }));
        Assert.Equal(["recipient"], Refused(Bounce with { Recipient = "nobody" }));
        Assert.Equal(["statusCode"], Refused(Bounce with { StatusCode = "250" }));
        Assert.Equal(["diagnostic"], Refused(Bounce with { Diagnostic = new string('x', 2001) }));
    }
}
