using System.Globalization;
using System.Text;
using Relance.CorrespondenceBenchmarks;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.Letters;

// dotnet run -c Release --project tools/Relance.CorrespondenceBenchmarks -- correspondence [options]; see "Throughput" in services/Correspondence/README.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args is not ["correspondence", ..])
{
    Console.Error.WriteLine("usage: correspondence [--seconds 20] [--warmup 5] [--concurrency 8] [--smtp host:port] [--sink host:port] [--capture http://host:1080] [--out file.md]");
    return 2;
}
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var seconds = TimeSpan.FromSeconds(double.Parse(Option("--seconds") ?? "20"));
var warmUp = TimeSpan.FromSeconds(double.Parse(Option("--warmup") ?? "5"));
var concurrency = int.Parse(Option("--concurrency") ?? "8");
var smtp = Option("--smtp") ?? Environment.GetEnvironmentVariable("RELANCE_SMTP") ?? "127.0.0.1:1025";
var capture = Option("--capture") ?? Environment.GetEnvironmentVariable("RELANCE_SMTP_CAPTURE");
var sink = Option("--sink");
var output = Option("--out") ?? "deploy/bench-results/correspondence.md";
var command = string.Join(" ", ["bash tools/Relance.CorrespondenceBenchmarks/correspondence.sh", .. args.Skip(1).Where(a => a != "--sink" && a != sink)]);

DejaVuFonts.Register();
var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
Console.WriteLine($"{Environment.ProcessorCount} cores, load average before: {load}; {warmUp.TotalSeconds:0} s warm-up, {seconds.TotalSeconds:0} s measured per figure");

List<(string Figure, string Value, string Target, string Note)> rows = [];

// (a) Letters: the real rendering (words, layout, PDFsharp, SHA-256), one loop per core, each letter a new correspondence.
var letters = await Measure.Run(Environment.ProcessorCount, warmUp, seconds, () =>
{
    CorrespondenceRendering.Render(Samples.FormalNotice(Guid.NewGuid(), Channels.RegisteredLetter), Samples.Sender, Samples.Now);
    return Task.CompletedTask;
});
var letterSize = CorrespondenceRendering.Render(Samples.FormalNotice(Guid.NewGuid(), Channels.RegisteredLetter), Samples.Sender, Samples.Now).Pdf!.Length;
rows.Add(("Letters rendered per second (formal notice, 5 invoices and claims, PDF)", Rate(letters, "letters"), "≥ 100/s",
    $"{Environment.ProcessorCount} threads; {letterSize / 1024} KB PDF"));
Report(rows[^1], letters);

// (b) Emails: the stored MIME of a reminder with attachments, through SmtpSender's pooled connections.
var mime = Samples.ReminderEmailMime();
var mimeKb = Encoding.ASCII.GetByteCount(mime) / 1024;
Console.WriteLine($"email: {mimeKb} KB of MIME (5 invoice PDFs and the bank details attached)");

// The server's own processor time over the measure, when it runs on this machine: whose limit the rate is.
async Task<(Measured Client, double? ServerCpuMsEach)> Send(string server, SmtpOptions options, string to, string message)
{
    message = message.Replace("compta@dupont-batiment.example", to);
    var port = int.Parse(server.Split(':')[1]);
    await using var sender = new SmtpSender(options with { Host = server.Split(':')[0], Port = port });
    var before = ServerCpu.Of(port);
    var measured = await Measure.Run(concurrency, warmUp, seconds, () => sender.SendAsync(message, CancellationToken.None));
    var after = ServerCpu.Of(port);
    // The server's time includes the warm-up's messages: counted over the warm-up and the measure together.
    return (measured, before is null || after is null ? null : (after - before).Value.TotalMilliseconds / (measured.Count * (1 + warmUp / seconds)));
}

string Server((Measured Client, double? ServerCpuMsEach) m) =>
    m.ServerCpuMsEach is { } ms ? $"; server ≈{ms:0.0} ms of CPU each, so ≤ {Environment.ProcessorCount * 1000 / ms:0}/s on {Environment.ProcessorCount} idle cores" : "";

var run = Guid.NewGuid().ToString("N")[..8];
var maildev = await Send(smtp, new SmtpOptions { Connections = concurrency }, $"bench.{run}@relance.test", mime);
rows.Add(($"Emails sent per second, maildev at {smtp}", Rate(maildev.Client, "emails"), "≥ 300/s",
    $"{concurrency} concurrent sends and connections; {mimeKb} KB each{Server(maildev)}"));
Report(rows[^1], maildev.Client);
if (capture is not null) await MailCapture.DeleteTo(new Uri(capture), $"bench.{run}@relance.test");

if (sink is not null)
{
    var pooled = await Send(sink, new SmtpOptions { Connections = concurrency }, "bench@relance.test", mime);
    rows.Add(($"Emails sent per second, Postfix smtp-sink at {sink}", Rate(pooled.Client, "emails"), "≥ 300/s",
        $"{concurrency} concurrent sends and connections; {mimeKb} KB each{Server(pooled)}"));
    Report(rows[^1], pooled.Client);
    // The same with a connection per message, as before the pool: what reusing connections is worth here (loopback, no TLS).
    var fresh = await Send(sink, new SmtpOptions { Connections = concurrency, IdleTimeout = TimeSpan.Zero }, "bench@relance.test", mime);
    rows.Add(("Emails sent per second, smtp-sink, a new connection per message", Rate(fresh.Client, "emails"), "(comparison)",
        $"{concurrency} concurrent sends; IdleTimeout 0{Server(fresh)}"));
    Report(rows[^1], fresh.Client);
    // The size of the message against the rate: the same reminder without its attachments.
    var bare = Samples.ReminderEmailMime(withAttachments: false);
    var bareKb = Encoding.ASCII.GetByteCount(bare) / 1024.0;
    var small = await Send(sink, new SmtpOptions { Connections = concurrency }, "bench@relance.test", bare);
    rows.Add(("Emails sent per second, smtp-sink, the same reminder without attachments", Rate(small.Client, "emails"), "(comparison)",
        $"{concurrency} concurrent sends and connections; {bareKb:0} KB each{Server(small)}"));
    Report(rows[^1], small.Client);
}

var table = new StringBuilder()
    .AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores (load average before: {load}), " +
                $"{warmUp.TotalSeconds:0} s warm-up then {seconds.TotalSeconds:0} s per figure, with `{command}`.")
    .AppendLine()
    .AppendLine("| figure | value | target | conditions |")
    .AppendLine("|---|---|---|---|");
foreach (var (figure, value, target, note) in rows) table.AppendLine($"| {figure} | {value} | {target} | {note} |");
Console.WriteLine();
Console.WriteLine(table);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, "# Correspondence throughput\n\n" + table);
Console.WriteLine($"written to {output}");
return 0;

static string Rate(Measured m, string what) =>
    $"{m.PerSecond:0} {what}/s (p50 {m.P50Ms:0.0} ms, p99 {m.P99Ms:0.0} ms; {m.CpuMsEach:0.0} ms of this process's CPU each" +
    $"{(m.Failures > 0 ? $"; {m.Failures} failed: {m.FirstError}" : "")})";

static void Report((string Figure, string Value, string Target, string Note) row, Measured m) =>
    Console.WriteLine($"{row.Figure}: {row.Value} — {m.Count} in {m.Elapsed.TotalSeconds:0.0} s; target {row.Target}");
