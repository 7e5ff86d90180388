using Marten;
using Microsoft.Extensions.DependencyInjection;
using Relance.Integration.Tests.Infrastructure;
using Relance.InvoiceService.Invoices;
using Relance.ServiceDefaults;

namespace Relance.Integration.Tests;

/// <summary>Two decisions taken at once on the same stream: the store lets exactly one through.</summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ConcurrencyTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    RelanceSystem _system = null!;

    public async Task InitializeAsync() =>
        _system = await RelanceSystem.StartAsync(infrastructure, DateTimeOffset.UnixEpoch, Service.Invoice);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Two_sessions_deciding_on_the_same_version_cannot_both_append()
    {
        var store = _system.Services(Service.Invoice).GetRequiredService<IDocumentStore>();
        var key = Invoice.StreamKey("ACME", "F-race");
        await using (var setup = store.LightweightSession())
        {
            setup.Events.StartStream(key, new InvoiceIssued("ACME", "F-race", new("C1", "Dupont", "a@b.fr"), new(2026, 10, 1), new(2026, 10, 31), 100m, 120m, "EUR", DateTimeOffset.UnixEpoch));
            await setup.SaveChangesAsync();
        }

        await using var first = store.LightweightSession();
        await using var second = store.LightweightSession();
        IReadOnlyList<object> Cancel(Invoice? state) => [new InvoiceCancelled("race", DateTimeOffset.UnixEpoch)];
        await first.AppendDecisionAsync<Invoice>(key, Cancel, CancellationToken.None);
        await second.AppendDecisionAsync<Invoice>(key, Cancel, CancellationToken.None);

        await first.SaveChangesAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => second.SaveChangesAsync());

        await using var query = store.QuerySession();
        Assert.Equal(2, (await query.Events.FetchStreamAsync(key)).Count);
    }
}
