using System.Security.Cryptography;
using System.Text;
using Relance.CorrespondenceService.Email;
using Relance.Integration.Tests.Infrastructure;

namespace Relance.Integration.Tests;

/// <summary>SmtpSender's pooled connections, against real SMTP servers: maildev, and a loopback server that counts connections.</summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SmtpSenderTests(TestInfrastructure infrastructure)
{
    readonly string _run = Guid.NewGuid().ToString("N")[..8];

    string Mime(int i) => MimeMessages.Build(new RenderedEmail("test/v1", $"Message {i}", $"Texte {i} é\n", $"<p>Texte {i} é</p>"),
        new SenderIdentity(), "Dupont SARL", $"smtp.{_run}@dupont.test", Guid.NewGuid(), new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero),
        attachments: [new EmailAttachment("F-1", "invoice", "Facture.pdf", "application/pdf", RandomNumberGenerator.GetBytes(20_000))]).Mime;

    static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task Concurrent_sends_share_at_most_the_pools_connections_and_each_message_arrives_as_stored()
    {
        await using var server = new LoopbackSmtpServer();
        await using var sender = new SmtpSender(new SmtpOptions { Port = server.Port, Connections = 2 });
        var mimes = Enumerable.Range(0, 12).Select(Mime).ToList();

        await Task.WhenAll(mimes.Select(m => sender.SendAsync(m, CancellationToken.None)));

        Assert.InRange(server.Connections, 1, 2);
        Assert.Equal(mimes.Select(m => Sha256(Encoding.ASCII.GetBytes(m))).Order(), server.Messages.Select(Sha256).Order());
    }

    [Fact]
    public async Task A_connection_the_server_dropped_is_replaced_and_the_message_sent_once()
    {
        await using var server = new LoopbackSmtpServer();
        await using var sender = new SmtpSender(new SmtpOptions { Port = server.Port, Connections = 1 });
        await sender.SendAsync(Mime(1), CancellationToken.None);

        server.DropConnections();
        await Task.Delay(200);
        var second = Mime(2);
        var answer = await sender.SendAsync(second, CancellationToken.None);

        Assert.StartsWith("2.0.0 queued as 2", answer);
        Assert.Equal(2, server.Connections);
        Assert.Equal(2, server.Messages.Count);
        Assert.Equal(Sha256(Encoding.ASCII.GetBytes(second)), Sha256(server.Messages.Last()));
    }

    [Fact]
    public async Task A_connection_idle_past_the_timeout_is_not_reused()
    {
        await using var server = new LoopbackSmtpServer();
        await using var sender = new SmtpSender(new SmtpOptions { Port = server.Port, Connections = 1, IdleTimeout = TimeSpan.FromMilliseconds(300) });
        await sender.SendAsync(Mime(1), CancellationToken.None);
        await sender.SendAsync(Mime(2), CancellationToken.None);
        Assert.Equal(1, server.Connections);

        await Task.Delay(600);
        await sender.SendAsync(Mime(3), CancellationToken.None);
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task Through_maildev_pooled_sends_arrive_byte_for_byte()
    {
        var mail = new MailCapture(infrastructure.SmtpCapture);
        await using var sender = new SmtpSender(new SmtpOptions { Host = infrastructure.SmtpHost, Port = infrastructure.SmtpPort, Connections = 2 });
        var mimes = Enumerable.Range(0, 6).Select(Mime).ToList();

        await Task.WhenAll(mimes.Select(m => sender.SendAsync(m, CancellationToken.None)));

        var received = await Eventually.Get(async () => await mail.To($"smtp.{_run}@dupont.test") is { Count: 6 } all ? all : null,
            TimeSpan.FromSeconds(30), "the six messages in maildev");
        var sources = await Task.WhenAll(received.Select(mail.Source));
        Assert.Equal(mimes.Select(m => Sha256(Encoding.ASCII.GetBytes(m))).Order(), sources.Select(Sha256).Order());
    }
}
