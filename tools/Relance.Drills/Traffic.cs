using System.Text.Json;
using RabbitMQ.Client;

namespace Relance.Drills;

/// <summary>
/// An ERP that keeps publishing through a broker restart: unlike tools/Relance.ErpSimulator, which stops at a lost
/// connection so that a user sees it, this one reopens it and publishes the unconfirmed message again.
/// </summary>
static class Traffic
{
    public sealed record Settings(string Broker, string Run, string Drill, string Ledger, string Company, double Rate, double PayShare);

    static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web);

    public static async Task<int> RunAsync(Settings settings, CancellationToken stop)
    {
        using var ledger = new Ledger(settings.Ledger);
        await using var publisher = new Publisher(settings.Broker);
        var random = new Random();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var payments = new PriorityQueue<(string Number, string Email), DateTimeOffset>();
        var interval = TimeSpan.FromSeconds(1 / Math.Max(settings.Rate, 0.01));
        int invoices = 0, paid = 0, retries = 0;
        var next = DateTimeOffset.UtcNow;

        while (!stop.IsCancellationRequested)
        {
            // Payments whose time has come go first; an invoice every interval.
            if (payments.TryPeek(out var due, out var dueAt) && dueAt <= DateTimeOffset.UtcNow)
            {
                payments.Dequeue();
                ledger.Write(Ledger.PaymentAttempt, due.Number, due.Email);
                var payment = new
                {
                    companyId = settings.Company, paymentId = $"P-{due.Number}", invoiceNumber = due.Number,
                    amount = 1200.00m, currency = "EUR", receivedOn = today,
                };
                if (!await PublishAsync("payment.received", $"drill-{settings.Run}-pay-{due.Number}", payment)) break;
                ledger.Write(Ledger.Payment, due.Number, due.Email);
                paid++;
                continue;
            }
            if (DateTimeOffset.UtcNow >= next)
            {
                next += interval;
                var seq = ++invoices;
                var number = $"{settings.Drill}-{seq:D5}";
                var email = $"{number}@r{settings.Run}.drill.example".ToLowerInvariant();
                var invoice = new
                {
                    companyId = settings.Company, invoiceNumber = number,
                    customer = new { customerId = $"K-{number}", name = $"Client {number} SARL", email },
                    issueDate = today.AddDays(-25), dueDate = today.AddDays(5), // its courtesy reminder (10 days before) is due at once
                    amountExcludingVat = 1000.00m, amountIncludingVat = 1200.00m, currency = "EUR",
                };
                if (!await PublishAsync("invoice.issued", $"drill-{settings.Run}-inv-{number}", invoice)) break;
                ledger.Write(Ledger.Invoice, number, email);
                if (random.NextDouble() < settings.PayShare)
                    payments.Enqueue((number, email), DateTimeOffset.UtcNow.AddSeconds(0.3 + random.NextDouble() * 9.7));
                continue;
            }
            try { await Task.Delay(20, stop); } catch (OperationCanceledException) { }
        }

        Console.WriteLine($"traffic {settings.Drill}: {invoices} invoices and {paid} payments confirmed, {retries} publishes retried");
        return 0;

        // Until confirmed; false when stopped first (the message is then not in the ledger as published).
        async Task<bool> PublishAsync(string routingKey, string messageId, object message)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(message, Json);
            while (true)
            {
                try
                {
                    await publisher.PublishAsync(routingKey, messageId, body, stop);
                    return true;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return false;
                }
                catch (Exception e)
                {
                    retries++;
                    Console.WriteLine($"traffic {settings.Drill}: publish of {messageId} failed ({e.GetType().Name}: {e.Message}); reconnecting");
                    await publisher.ResetAsync();
                    try { await Task.Delay(500, stop); } catch (OperationCanceledException) { return false; }
                }
            }
        }
    }

    /// <summary>One connection and one channel with publisher confirms, opened again after any failure.</summary>
    sealed class Publisher(string broker) : IAsyncDisposable
    {
        IConnection? connection;
        IChannel? channel;

        public async Task PublishAsync(string routingKey, string messageId, byte[] body, CancellationToken stop)
        {
            if (channel is null)
            {
                var factory = new ConnectionFactory { Uri = new Uri(broker), ClientProvidedName = "relance-drills", AutomaticRecoveryEnabled = false };
                connection = await factory.CreateConnectionAsync(stop);
                channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), stop);
            }
            var properties = new BasicProperties { MessageId = messageId, ContentType = "application/json", Persistent = true };
            // A confirm that never comes (the broker stopping mid-publish) must not hang the drill.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await channel.BasicPublishAsync("relance.erp", routingKey, mandatory: true, properties, body, timeout.Token);
        }

        public async Task ResetAsync()
        {
            try
            {
                if (channel is not null) await channel.DisposeAsync();
                if (connection is not null) await connection.DisposeAsync();
            }
            catch (Exception)
            {
                // already broken: what matters is opening a new one
            }
            channel = null;
            connection = null;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (connection is not null) await connection.CloseAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception)
            {
                // the broker may be gone; nothing to close then
            }
            await ResetAsync();
        }
    }
}
