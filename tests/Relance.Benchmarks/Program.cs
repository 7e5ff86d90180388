using System.Globalization;
using System.Text;
using Relance.Benchmarks;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.Letters;

// dotnet run -c Release --project tests/Relance.Benchmarks -- correspondence [options]; see tests/Relance.Benchmarks/README.md.
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
var command = "bash tests/Relance.Benchmarks/correspondence.sh" + (args.Length > 1 ? " " + string.Join(" ", args.Skip(1).Where(a => !a.StartsWith("--sink") && a != sink)) : "");

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

async Task<Measured> Send(string server, SmtpOptions options, string to)
{
    var message = mime.Replace("compta@dupont-batiment.example", to);
    await using var sender = new SmtpSender(options with { Host = server.Split(':')[0], Port = int.Parse(server.Split(':')[1]) });
    return await Measure.Run(concurrency, warmUp, seconds, () => sender.SendAsync(message, CancellationToken.None));
}

var run = Guid.NewGuid().ToString("N")[..8];
var maildev = await Send(smtp, new SmtpOptions { Connections = concurrency }, $"bench.{run}@relance.test");
rows.Add(($"Emails sent per second, maildev at {smtp}", Rate(maildev, "emails"), "≥ 300/s", $"{concurrency} concurrent sends and connections; {mimeKb} KB each"));
Report(rows[^1], maildev);
if (capture is not null) await MailCapture.DeleteTo(new Uri(capture), $"bench.{run}@relance.test");

if (sink is not null)
{
    var pooled = await Send(sink, new SmtpOptions { Connections = concurrency }, "bench@relance.test");
    rows.Add(($"Emails sent per second, Postfix smtp-sink at {sink}", Rate(pooled, "emails"), "≥ 300/s", $"{concurrency} concurrent sends and connections; {mimeKb} KB each"));
    Report(rows[^1], pooled);
    // The same with a connection per message, as before the pool: what reusing connections is worth.
    var fresh = await Send(sink, new SmtpOptions { Connections = concurrency, IdleTimeout = TimeSpan.Zero }, "bench@relance.test");
    rows.Add(($"Emails sent per second, smtp-sink, a new connection per message", Rate(fresh, "emails"), "(comparison)", $"{concurrency} concurrent sends; IdleTimeout 0"));
    Report(rows[^1], fresh);
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
