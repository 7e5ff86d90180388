namespace Relance.Integration.Tests.Infrastructure;

/// <summary>
/// One running system for a whole test class: started by the first test that asks (a class fixture cannot take the
/// collection's infrastructure in xUnit 2), stopped after the last. Each test then works on data of its own.
/// </summary>
public abstract class SharedSystem : IAsyncLifetime
{
    readonly SemaphoreSlim _starting = new(1, 1);
    RelanceSystem? _system;

    public async Task<RelanceSystem> Get(TestInfrastructure infrastructure)
    {
        await _starting.WaitAsync();
        try { return _system ??= await Start(infrastructure); }
        finally { _starting.Release(); }
    }

    /// <summary>Starts the services and makes the data the class's tests share.</summary>
    protected abstract Task<RelanceSystem> Start(TestInfrastructure infrastructure);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_system is not null) await _system.DisposeAsync();
    }
}
