using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Relance.Contracts.Correspondence;

namespace Relance.CorrespondenceService.Correspondences.Withdrawing;

/// <summary>
/// Lets a reminder leave only once the withdrawals waiting for this service are read. A request and the withdrawal
/// sent after it are both queued while this service is down or behind; read first, the request would leave before
/// its withdrawal is seen. Withdrawals have a queue of their own, read quickly (they only record a notice); just
/// before a reminder leaves, its sender waits until that queue has no message ready and none taken here whose notice
/// is not committed yet, then looks for the notice (<see cref="SendingReminder.SendReminderHandler"/>). Nearly always there is nothing to
/// wait for: one passive declare on the broker. If the queue does not drain within <see cref="MaxWait"/> (a flood of
/// withdrawals), the reminder is not sent now: the request fails and is retried.
/// </summary>
public sealed class QueuedWithdrawals(IConfiguration configuration, TimeProvider clock, ILogger<QueuedWithdrawals> logger) : IAsyncDisposable
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);
    readonly SemaphoreSlim opening = new(1, 1);
    IConnection? connection;
    int handling;

    /// <summary>Around each withdrawal this process has taken from the queue and not yet noticed (its notice not committed).</summary>
    public IDisposable Handling()
    {
        Interlocked.Increment(ref handling);
        return new Done(this);
    }

    sealed class Done(QueuedWithdrawals owner) : IDisposable
    {
        int disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) Interlocked.Decrement(ref owner.handling);
        }
    }

    public async Task WaitUntilRead(CancellationToken cancellation)
    {
        var until = clock.GetUtcNow() + MaxWait;
        var waited = false;
        while (await Ready(cancellation) > 0 || Volatile.Read(ref handling) > 0)
        {
            if (clock.GetUtcNow() > until)
                throw new InvalidOperationException($"the withdrawals queued for this service ({CorrespondenceTopology.WithdrawReminderQueue}) were not read within {MaxWait}: " +
                                                    "the reminder is not sent before they are");
            waited = true;
            // A poll of the broker, not a reading of the time: real time, even under a test clock.
            await Task.Delay(25, cancellation);
        }
        if (waited) logger.LogInformation("Waited for the queued withdrawals to be read before sending");
    }

    async Task<uint> Ready(CancellationToken cancellation)
    {
        var open = await Connection(cancellation);
        await using var channel = await open.CreateChannelAsync(cancellationToken: cancellation);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(CorrespondenceTopology.WithdrawReminderQueue, cancellation)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0; // not declared yet: no withdrawal was ever queued
        }
    }

    async Task<IConnection> Connection(CancellationToken cancellation)
    {
        if (connection is { IsOpen: true } open) return open;
        await opening.WaitAsync(cancellation);
        try
        {
            if (connection is { IsOpen: true } again) return again;
            if (connection is not null) await connection.DisposeAsync();
            var uri = configuration.GetConnectionString("RabbitMq") ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq is not set");
            connection = await new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "relance-correspondence-withdrawals" }.CreateConnectionAsync(cancellation);
            return connection;
        }
        finally
        {
            opening.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null) await connection.DisposeAsync();
        opening.Dispose();
    }
}
