namespace Relance.Testing;

/// <summary>
/// Given(events).When(decision).Then(events) for pure deciders: the state is folded from the given events
/// with the aggregate's own Evolve, exactly as the store does it.
/// </summary>
public sealed class DeciderSpec<TState>(Func<TState?, object, TState?> evolve) where TState : class
{
    TState? _state;

    public DeciderSpec<TState> Given(params object[] events)
    {
        _state = events.Aggregate((TState?)null, evolve);
        return this;
    }

    public Outcome When(Func<TState?, IReadOnlyList<object>> decide)
    {
        try
        {
            var events = decide(_state);
            return new Outcome(events.Aggregate(_state, evolve), events, null);
        }
        catch (Exception e)
        {
            return new Outcome(_state, [], e);
        }
    }

    /// <param name="State">The state once the decided events are applied.</param>
    public sealed record Outcome(TState? State, IReadOnlyList<object> Events, Exception? Error)
    {
        public Outcome Then(params object[] expected)
        {
            Assert.Null(Error);
            // Events are records, some holding immutable lists: compare types in order, then content structurally.
            Assert.Equal(expected.Select(e => e.GetType()), Events.Select(e => e.GetType()));
            Assert.Equivalent(expected, Events, strict: true);
            return this;
        }

        public TException ThenThrows<TException>() where TException : Exception
        {
            Assert.Empty(Events);
            return Assert.IsType<TException>(Error);
        }
    }
}
