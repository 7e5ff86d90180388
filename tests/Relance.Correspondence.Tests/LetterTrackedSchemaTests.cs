using System.Text.Json;
using Relance.CorrespondenceService.Correspondences.TrackingLetter;
using Relance.Testing;
using Postal = Relance.Contracts.Postal;

namespace Relance.Correspondence.Tests;

/// <summary>
/// The examples of contracts/schemas/letter-tracked.schema.json are accepted as they are (the fields themselves
/// are checked against the contract by ContractDriftTests, with the ERP messages').
/// </summary>
[Trait("Category", "Unit")]
public class LetterTrackedSchemaTests
{
    [Fact]
    public void Every_example_of_the_schema_is_accepted()
    {
        var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root(), "contracts", "schemas", Postal.PostalTopology.LetterTrackedSchema))).RootElement;
        var examples = schema.GetProperty("examples").EnumerateArray().ToList();
        Assert.Equal(3, examples.Count);
        foreach (var example in examples)
        {
            var message = example.Deserialize<Postal.LetterTracked>(JsonSerializerOptions.Web)!;
            var command = LetterTrackingValidation.ToCommand(message, "postal:example", new DateOnly(2026, 12, 31), DateTimeOffset.UnixEpoch);
            Assert.Equal(message.Update, command.Update);
        }
    }
}
