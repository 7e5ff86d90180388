using System.Security.Cryptography;
using System.Text;
using System.Net;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.CorrespondenceService.Email;
using Relance.Integration.Tests.Infrastructure;

namespace Relance.Integration.Tests;

/// <summary>
/// SmtpSender's pooled connections and what it makes of failures, against real SMTP servers on real sockets: maildev, and a
/// loopback server that counts connections and drops or refuses on demand.
/// </summary>
[Collection(InfrastructureCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SmtpSenderTests(TestInfrastructure infrastructure)
{
    readonly string _run = Guid.NewGuid().ToString("N")[..8];

    string Mime(int i, string? copyTo = null) => MimeMessages.Build(new RenderedEmail("test/v1", $"Message {i}", $"Texte {i} é\n", $"<p>Texte {i} é</p>"),
        new SenderIdentity(), "Dupont SARL", $"smtp.{_run}@dupont.test", Guid.NewGuid(), new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), copyTo,
        attachments: [new EmailAttachment("F-1", "invoice", "Facture.pdf", "application/pdf", RandomNumberGenerator.GetBytes(20_000))]).Mime;

    // A correspondence whose stored bytes are the MIME given, for the email channel.
    static CorrespondenceService.Correspondences.Correspondence Stored(string mime)
    {
        var at = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        var request = new CorrespondenceRequested(Guid.NewGuid(), "ACME/C1/EUR", "ACME", "first-reminder", Channels.Email, new Recipient("C1", "Dupont SARL", "compta@dupont.test"),
            [new ChasedInvoice("F-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR")], new(2026, 11, 23), at);
        return new(request.ReminderId.ToString(), request, new CorrespondenceRendered("test/v1", "Message", mime, "sha", at), null, 0);
    }

    static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task Concurrent_sends_share_at_most_the_pools_connections_and_each_message_arrives_as_stored()
    {
        await using var server = new LoopbackSmtpServer();
        await using var sender = new SmtpSender(new SmtpOptions { Port = server.Port, Connections = 2 });
        var mimes = Enumerable.Range(0, 12).Select(i => Mime(i)).ToList();

        await Task.WhenAll(mimes.Select(m => sender.SendAsync(m, CancellationToken.None)));

        Assert.InRange(server.Connections, 1, 2);
        Assert.Equal(mimes.Select(m => Sha256(Encoding.ASCII.GetBytes(m))).Order(), server.Messages.Select(Sha256).Order());
    }

    [Fact]
    public async Task An_idle_connection_the_server_dropped_fails_its_noop_and_is_replaced_before_the_message_is_sent_once()
    {
        await using var server = new LoopbackSmtpServer();
        await using var sender = new SmtpSender(new SmtpOptions { Port = server.Port, Connections = 1 });
        await sender.SendAsync(Mime(1), CancellationToken.None);
        await sender.SendAsync(Mime(2), CancellationToken.None);
        Assert.Equal((1, 1), (server.Connections, server.Noops));

        server.DropConnections();
        await Task.Delay(200);
        var third = Mime(3);
        var answer = await sender.SendAsync(third, CancellationToken.None);

        Assert.StartsWith("2.0.0 queued as 3", answer);
        Assert.Equal(2, server.Connections);
        Assert.Equal(3, server.Messages.Count);
        Assert.Equal(Sha256(Encoding.ASCII.GetBytes(third)), Sha256(server.Messages.Last()));
    }

    [Fact]
    public async Task A_connection_lost_after_the_data_on_a_reused_connection_is_ambiguous_and_the_message_is_not_sent_again()
    {
        await using var server = new LoopbackSmtpServer();
        await using var sender = new SmtpSender(new SmtpOptions { Port = server.Port, Connections = 1 });
        await sender.SendAsync(Mime(1), CancellationToken.None);

        server.DropAfterNextData = true;
        var second = Mime(2);
        await Assert.ThrowsAsync<DispatchOutcomeAmbiguousException>(() => sender.SendAsync(second, CancellationToken.None));

        // The server has it once; the sender neither opened a second connection nor sent it again.
        Assert.Equal(1, server.Connections);
        Assert.Equal(2, server.Messages.Count);
        Assert.Single(server.Messages, m => Sha256(m) == Sha256(Encoding.ASCII.GetBytes(second)));
        // The next message goes on a fresh connection.
        await sender.SendAsync(Mime(3), CancellationToken.None);
        Assert.Equal((2, 3), (server.Connections, server.Messages.Count));
    }

    [Fact]
    public async Task A_server_that_refuses_the_connection_is_told_apart_as_nothing_sent_and_not_for_good()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var sender = new SmtpSender(new SmtpOptions { Port = port, Connections = 1 });

        var error = await Assert.ThrowsAsync<SmtpNotSentException>(() => sender.SendAsync(Mime(1), CancellationToken.None));
        Assert.IsType<SocketException>(error.InnerException);
        var outcome = Assert.IsType<SendOutcome.Refused>(await new EmailChannel(sender).SendAsync(Stored(Mime(2)), CancellationToken.None));
        Assert.False(outcome.Permanent);
    }

    [Fact]
    public async Task A_send_cancelled_before_it_started_or_unreadable_stored_bytes_sent_nothing()
    {
        await using var server = new LoopbackSmtpServer();
        await using var sender = new SmtpSender(new SmtpOptions { Port = server.Port, Connections = 1 });

        await Assert.ThrowsAsync<SmtpNotSentException>(() => sender.SendAsync(Mime(1), new CancellationToken(canceled: true)));
        await Assert.ThrowsAsync<SmtpNotSentException>(() => sender.SendAsync("", CancellationToken.None));
        Assert.Empty(server.Messages);
        // The slot was given back.
        await sender.SendAsync(Mime(2), CancellationToken.None);
        Assert.Single(server.Messages);
    }

    [Fact]
    public async Task A_copy_the_server_refuses_does_not_stop_the_email_to_its_recipient()
    {
        await using var server = new LoopbackSmtpServer();
        server.RefusedRecipients[$"manager.{_run}@acme.test"] = "";
        await using var sender = new SmtpSender(new SmtpOptions { Port = server.Port, Connections = 1 });
        var mime = Mime(1, copyTo: $"manager.{_run}@acme.test");

        await sender.SendAsync(mime, CancellationToken.None);

        Assert.Equal(Sha256(Encoding.ASCII.GetBytes(mime)), Sha256(Assert.Single(server.Messages)));
        Assert.Equal([$"smtp.{_run}@dupont.test"], Assert.Single(server.Envelopes));
    }

    [Fact]
    public async Task Only_a_refusal_of_the_recipients_own_address_is_for_good()
    {
        await using var server = new LoopbackSmtpServer();
        await using var sender = new SmtpSender(new SmtpOptions { Port = server.Port, Connections = 1 });

        server.RefusedRecipients[$"smtp.{_run}@dupont.test"] = "";
        var unknown = await Assert.ThrowsAsync<SmtpCommandException>(() => sender.SendAsync(Mime(1), CancellationToken.None));
        Assert.True(EmailChannel.RefusesTheAddress(unknown));

        server.RefusedRecipients.Clear();
        server.RefuseData = "552 5.3.4 message too big";
        var tooBig = await Assert.ThrowsAsync<SmtpCommandException>(() => sender.SendAsync(Mime(2), CancellationToken.None));
        Assert.False(EmailChannel.RefusesTheAddress(tooBig));
        var outcome = Assert.IsType<SendOutcome.Refused>(await new EmailChannel(sender).SendAsync(Stored(Mime(3)), CancellationToken.None));
        Assert.Equal((false, true), (outcome.Permanent, outcome.Reason.StartsWith("SMTP 552")));
        Assert.Empty(server.Messages);
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
        var mimes = Enumerable.Range(0, 6).Select(i => Mime(i)).ToList();

        await Task.WhenAll(mimes.Select(m => sender.SendAsync(m, CancellationToken.None)));

        var received = await Eventually.Get(async () => await mail.To($"smtp.{_run}@dupont.test") is { Count: 6 } all ? all : null,
            TimeSpan.FromSeconds(30), "the six messages in maildev");
        var sources = await Task.WhenAll(received.Select(mail.Source));
        Assert.Equal(mimes.Select(m => Sha256(Encoding.ASCII.GetBytes(m))).Order(), sources.Select(Sha256).Order());
    }
}
