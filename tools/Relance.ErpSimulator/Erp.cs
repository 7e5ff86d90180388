using System.Text.Json;
using System.Text.Json.Serialization;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Relance.ErpSimulator;

/// <summary>A failure to explain in one line, without a stack trace.</summary>
sealed class SimulatorException(string message) : Exception(message);

/// <summary>Relance's answer to one message: on relance.erp.accepted (an outcome) or relance.erp.rejected (reasons).</summary>
sealed record Answer(string MessageId, string MessageKind, bool Accepted, string? Outcome, IReadOnlyList<Reason> Reasons, string? ErrorQueue)
{
    public string Describe() => Accepted
        ? Outcome ?? "accepted"
        : "REJECTED: " + string.Join("; ", Reasons.Select(r => $"{r.Field}: {r.Error}")) + (ErrorQueue is null ? "" : $" (kept in {ErrorQueue})");
}

sealed record Reason(string Field, string Error);

/// <summary>
/// The ERP's side of contracts/README.md: one connection, channels with publisher confirms that publish to
/// relance.erp (mandatory, so a message no queue takes fails instead of vanishing), and an exclusive auto-delete
/// queue bound to both answer exchanges. Answers are fanned out: other ERPs' answers arrive too, callers filter.
/// </summary>
sealed class Erp : IAsyncDisposable
{
    public const string Exchange = "relance.erp";
    public const string AcceptedExchange = "relance.erp.accepted";
    public const string RejectedExchange = "relance.erp.rejected";

    /// <summary>How many unconfirmed messages a publisher keeps in flight on one channel.</summary>
    public const int InFlightPerChannel = 256;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // accents stay readable in the broker's UI and _error queues
    };

    readonly IConnection connection;
    readonly IChannel answers;
    readonly TaskCompletionSource<string> lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    Erp(IConnection connection, IChannel answers, IReadOnlyList<IChannel> publishers)
    {
        this.connection = connection;
        this.answers = answers;
        Publishers = publishers;
    }

    /// <summary>Channels with publisher confirms, one per concurrent publisher.</summary>
    public IReadOnlyList<IChannel> Publishers { get; }

    /// <summary>Completes, with the reason, if the connection closes before <see cref="DisposeAsync"/>.</summary>
    public Task<string> Lost => lost.Task;

    public static async Task<Erp> ConnectAsync(string uri, Action<Answer> onAnswer, int publishers, CancellationToken cancellation)
    {
        IConnection connection;
        try
        {
            var factory = new ConnectionFactory
            {
                Uri = new Uri(uri),
                ClientProvidedName = "relance-erp-simulator",
                AutomaticRecoveryEnabled = false, // a lost connection ends the run with a clear message instead
            };
            connection = await factory.CreateConnectionAsync(cancellation);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException)
        {
            throw new SimulatorException($"'{Redact(uri)}' is not an AMQP URI such as amqp://guest:guest@127.0.0.1:5672/ ({e.Message})");
        }
        catch (BrokerUnreachableException e)
        {
            throw new SimulatorException($"cannot connect to RabbitMQ at {Redact(uri)}: {e.InnerException?.Message ?? e.Message}");
        }

        try
        {
            // Relance declares these exchanges: checking (not declaring) them tells clearly when it is not there.
            foreach (var exchange in new[] { Exchange, AcceptedExchange, RejectedExchange })
            {
                await using var check = await connection.CreateChannelAsync(cancellationToken: cancellation);
                try
                {
                    await check.ExchangeDeclarePassiveAsync(exchange, cancellation);
                }
                catch (OperationInterruptedException)
                {
                    throw new SimulatorException(
                        $"exchange '{exchange}' does not exist at {Redact(uri)}: Relance's Invoice service must be running on this broker (deploy/up.sh)");
                }
            }

            var answers = await connection.CreateChannelAsync(cancellationToken: cancellation);
            var queue = await answers.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellation);
            await answers.QueueBindAsync(queue.QueueName, AcceptedExchange, "", cancellationToken: cancellation);
            await answers.QueueBindAsync(queue.QueueName, RejectedExchange, "", cancellationToken: cancellation);
            var consumer = new AsyncEventingBasicConsumer(answers);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                if (Parse(delivery.Exchange, delivery.Body) is { } answer) onAnswer(answer);
                return Task.CompletedTask;
            };
            await answers.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, cancellation);

            var channels = new List<IChannel>();
            for (var i = 0; i < publishers; i++)
            {
                // A limiter per channel (a shared one would throttle, then refuse, past its size); this one never
                // reaches the half-full mark where ThrottlingRateLimiter starts to delay.
                var options = new CreateChannelOptions(
                    publisherConfirmationsEnabled: true,
                    publisherConfirmationTrackingEnabled: true,
                    outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(4 * InFlightPerChannel));
                channels.Add(await connection.CreateChannelAsync(options, cancellation));
            }

            var erp = new Erp(connection, answers, channels);
            connection.ConnectionShutdownAsync += (_, e) =>
            {
                erp.lost.TrySetResult($"the connection to RabbitMQ closed: {e.ReplyText}");
                return Task.CompletedTask;
            };
            return erp;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public static byte[] Serialize<T>(T message) => JsonSerializer.SerializeToUtf8Bytes(message, Json);

    /// <summary>Publishes and waits for the broker's confirm; a message routed to no queue throws <see cref="PublishReturnException"/>.</summary>
    public static ValueTask PublishAsync(IChannel channel, string routingKey, string messageId, byte[] body, CancellationToken cancellation)
    {
        var properties = new BasicProperties { MessageId = messageId, ContentType = "application/json", Persistent = true };
        return channel.BasicPublishAsync(Exchange, routingKey, mandatory: true, properties, body, cancellation);
    }

    public ValueTask PublishAsync<T>(string routingKey, string messageId, T message, CancellationToken cancellation) =>
        PublishAsync(Publishers[0], routingKey, messageId, Serialize(message), cancellation);

    public static string NoQueueMessage(string routingKey) =>
        $"no queue is bound to '{Exchange}' for '{routingKey}': the broker returned the message; Relance's Invoice service must be running (deploy/up.sh)";

    static Answer? Parse(string exchange, ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("messageId", out var id) || id.ValueKind != JsonValueKind.String)
                return null;
            var reasons = new List<Reason>();
            if (root.TryGetProperty("reasons", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var r in list.EnumerateArray())
                    reasons.Add(new Reason(Text(r, "field") ?? "?", Text(r, "error") ?? "?"));
            return new Answer(id.GetString()!, Text(root, "messageKind") ?? "?", exchange == AcceptedExchange,
                Text(root, "outcome"), reasons, Text(root, "errorQueue"));
        }
        catch (JsonException)
        {
            return null; // not an answer this simulator understands
        }

        static string? Text(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    /// <summary>The URI without its password, for messages.</summary>
    public static string Redact(string uri) =>
        System.Text.RegularExpressions.Regex.Replace(uri, "//([^:@/]*):[^@/]*@", "//$1:***@");

    public async ValueTask DisposeAsync()
    {
        lost.TrySetResult("closed by the simulator");
        try
        {
            foreach (var channel in Publishers) await channel.DisposeAsync();
            await answers.DisposeAsync();
            await connection.CloseAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or TimeoutException)
        {
            // already gone: nothing to close
        }
        await connection.DisposeAsync();
    }
}

// The messages of contracts/README.md as this ERP writes them (camelCase JSON; null fields left out).

sealed record Customer(string CustomerId, string Name, string Email);

sealed record PaymentTerms(int Days, bool EndOfMonth);

/// <summary>By reference (<paramref name="Url"/>) or by content (<paramref name="ContentBase64"/>).</summary>
sealed record Document(string Kind, string Name, string MediaType, string? Url = null, string? ContentBase64 = null);

sealed record Allocation(string InvoiceNumber, decimal Amount);

sealed record InvoiceIssued(
    string CompanyId, string InvoiceNumber, Customer Customer, DateOnly IssueDate, DateOnly DueDate,
    decimal AmountExcludingVat, decimal AmountIncludingVat, string Currency,
    PaymentTerms? PaymentTerms = null, string? PaymentClause = null, decimal? LatePenaltyRatePercent = null,
    IReadOnlyList<Document>? Documents = null);

sealed record InvoiceCorrected(
    string CompanyId, string InvoiceNumber, string CorrectionId, DateOnly DueDate,
    decimal AmountExcludingVat, decimal AmountIncludingVat, string Reason);

sealed record InvoiceCancelled(string CompanyId, string InvoiceNumber, string Reason);

sealed record CreditNoteIssued(
    string CompanyId, string CreditNoteNumber, string CustomerId, DateOnly IssueDate, string Currency, IReadOnlyList<Allocation> Allocations);

/// <summary>A status of the customer's e-invoicing platform, forwarded: "Encaissée", "En litige", "Approuvée", …</summary>
sealed record EInvoicingStatus(
    string CompanyId, string InvoiceNumber, string StatusId, string Status, DateOnly StatusDate,
    decimal? Amount = null, string? Currency = null, string? Comment = null);

sealed record PaymentReceived(
    string CompanyId, string PaymentId, decimal Amount, string Currency, DateOnly ReceivedOn,
    string? InvoiceNumber = null, IReadOnlyList<Allocation>? Allocations = null);
