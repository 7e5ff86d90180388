using System.Globalization;
using System.Text;
using Relance.Benchmarking;
using Relance.CorrespondenceBenchmarks;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Correspondences.SendingReminder;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.Letters;

// dotnet run -c Release --project tools/Relance.CorrespondenceBenchmarks -- correspondence [options]; see "Throughput" in services/Correspondence/README.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args is not ["correspondence", ..])
{
    Console.Error.WriteLine("usage: correspondence [--seconds 20] [--warmup 5] [--concurrency 8] [--smtp host:port] [--sink host:port] [--capture http://host:1080] [--out file.md] [--only letters,maildev,sink,fresh,bare]");
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
// Which figures (all by default): deploy/bench.sh asks for the two it reports beside their raw baselines.
var only = (Option("--only") ?? "letters,maildev,sink,fresh,bare").Split(',');
var failed = false;

DejaVuFonts.Register();
var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
Console.WriteLine($"{Environment.ProcessorCount} cores, load average before: {load}; {warmUp.TotalSeconds:0} s warm-up, {seconds.TotalSeconds:0} s measured per figure");

List<(string Figure, string Value, string Target, string Note)> rows = [];

// (a) Letters: the real rendering (words, layout, PDFsharp, SHA-256), one loop per core, each letter a new correspondence;
// then its raw baseline, PDFsharp alone drawing the same lines on as many pages, on as many threads.
if (only.Contains("letters"))
{
    var letters = await Measure.Run(Environment.ProcessorCount, warmUp, seconds, () =>
    {
        CorrespondenceRendering.Render(Samples.FormalNotice(Guid.NewGuid(), Channels.RegisteredLetter), Samples.Sender, Samples.Now);
        return Task.CompletedTask;
    });
    var letter = CorrespondenceRendering.Render(Samples.FormalNotice(Guid.NewGuid(), Channels.RegisteredLetter), Samples.Sender, Samples.Now).Pdf!;
    rows.Add(("Letters rendered per second (formal notice, 5 invoices and claims, PDF)", Rate(letters, "letters"), "≥ 100/s",
        $"{Environment.ProcessorCount} threads; {letter.Length / 1024} KB PDF"));
    Report(rows[^1], letters);

    var lines = RawLetter.Of(Samples.FormalNotice(Guid.NewGuid(), Channels.RegisteredLetter), Samples.Sender);
    var drawn = lines.Render();
    if (RawLetter.PageCount(drawn) != RawLetter.PageCount(letter))
        throw new InvalidOperationException($"The raw baseline drew {RawLetter.PageCount(drawn)} pages, the letter has {RawLetter.PageCount(letter)}.");
    var raw = await Measure.Run(Environment.ProcessorCount, warmUp, seconds, () =>
    {
        lines.Render();
        return Task.CompletedTask;
    });
    rows.Add(("raw baseline: " + RawLetter.What, Rate(raw, "PDFs"), "", $"{Environment.ProcessorCount} threads; {lines.Pages} pages, {drawn.Length / 1024} KB PDF"));
    Report(rows[^1], raw);
    failed |= letters.Failures + raw.Failures > 0;
    new BenchRow("correspondence", "formal notices rendered per second (PDF, 5 invoices and claims)", letters.PerSecond, "letters/s", raw.PerSecond,
        "PDFsharp drawing the same lines on as many pages", BenchRow.OfRawRate(letters.PerSecond, raw.PerSecond), "≥ 100/s",
        letters.Failures == 0 && letters.PerSecond >= 100, "bash deploy/bench.sh correspondence",
        ($"{Environment.ProcessorCount} threads, {warmUp.TotalSeconds:0} s warm-up, {seconds.TotalSeconds:0} s each; letter {letter.Length / 1024} KB, {lines.Pages} pages, p99 {letters.P99Ms:0.0} ms; " +
                  $"baseline: {RawLetter.What} ({drawn.Length / 1024} KB); this process's CPU each: {letters.CpuMsEach:0.0} ms, raw {raw.CpuMsEach:0.0} ms; {Failures(letters, raw)}load before {BenchRow.LoadAverage()}")).Append();
}

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
if (only.Contains("maildev"))
{
    var maildev = await Send(smtp, new SmtpOptions { Connections = concurrency }, $"bench.{run}@relance.test", mime);
    rows.Add(($"Emails sent per second, maildev at {smtp}", Rate(maildev.Client, "emails"), "≥ 300/s",
        $"{concurrency} concurrent sends and connections; {mimeKb} KB each{Server(maildev)}"));
    Report(rows[^1], maildev.Client);
    if (capture is not null) await MailCapture.DeleteTo(new Uri(capture), $"bench.{run}@relance.test");
}

if (sink is not null && only.Contains("sink"))
{
    var pooled = await Send(sink, new SmtpOptions { Connections = concurrency }, "bench@relance.test", mime);
    rows.Add(($"Emails sent per second, Postfix smtp-sink at {sink}", Rate(pooled.Client, "emails"), "≥ 300/s",
        $"{concurrency} concurrent sends and connections; {mimeKb} KB each{Server(pooled)}"));
    Report(rows[^1], pooled.Client);
    // Its raw baseline: MailKit alone, the same bytes, as many connections, to the same sink.
    var sinkPort = int.Parse(sink.Split(':')[1]);
    var serverBefore = ServerCpu.Of(sinkPort);
    await using var rawSmtp = await RawSmtp.ConnectAsync(sink.Split(':')[0], sinkPort, concurrency, mime.Replace("compta@dupont-batiment.example", "bench@relance.test"));
    var raw = await Measure.Run(concurrency, warmUp, seconds, rawSmtp.SendAsync);
    var serverAfter = ServerCpu.Of(sinkPort);
    var rawServer = (raw, serverBefore is null || serverAfter is null ? (double?)null : (serverAfter - serverBefore).Value.TotalMilliseconds / (raw.Count * (1 + warmUp / seconds)));
    rows.Add(("raw baseline: " + RawSmtp.What, Rate(raw, "emails"), "", $"{concurrency} connections; {mimeKb} KB each{Server(rawServer)}"));
    Report(rows[^1], raw);
    failed |= pooled.Client.Failures + raw.Failures > 0;
    new BenchRow("correspondence", $"reminder emails sent per second to Postfix smtp-sink ({mimeKb} KB, 6 PDFs attached)", pooled.Client.PerSecond, "emails/s", raw.PerSecond,
        "MailKit sending the same MIME over as many connections", BenchRow.OfRawRate(pooled.Client.PerSecond, raw.PerSecond), "≥ 300/s",
        pooled.Client.Failures == 0 && pooled.Client.PerSecond >= 300, "bash deploy/bench.sh correspondence",
        ($"SmtpSender, {concurrency} concurrent sends and connections, {warmUp.TotalSeconds:0} s warm-up, {seconds.TotalSeconds:0} s each, p99 {pooled.Client.P99Ms:0.0} ms{Server(pooled)}; " +
                  $"baseline: {RawSmtp.What}{Server(rawServer)}; this process's CPU each: {pooled.Client.CpuMsEach:0.0} ms, raw {raw.CpuMsEach:0.0} ms; {Failures(pooled.Client, raw)}load before {BenchRow.LoadAverage()}")).Append();
}

if (sink is not null && only.Contains("fresh"))
{
    // The same with a connection per message, as before the pool: what reusing connections is worth here (loopback, no TLS).
    var fresh = await Send(sink, new SmtpOptions { Connections = concurrency, IdleTimeout = TimeSpan.Zero }, "bench@relance.test", mime);
    rows.Add(("Emails sent per second, smtp-sink, a new connection per message", Rate(fresh.Client, "emails"), "(comparison)",
        $"{concurrency} concurrent sends; IdleTimeout 0{Server(fresh)}"));
    Report(rows[^1], fresh.Client);
}

if (sink is not null && only.Contains("bare"))
{
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
return failed ? 1 : 0;

static string Failures(Measured measured, Measured raw) =>
    measured.Failures + raw.Failures == 0 ? "" : $"FAILED sends or renders: {measured.Failures} ({measured.FirstError}), baseline {raw.Failures} ({raw.FirstError}); ";

static string Rate(Measured m, string what) =>
    $"{m.PerSecond:0} {what}/s (p50 {m.P50Ms:0.0} ms, p99 {m.P99Ms:0.0} ms; {m.CpuMsEach:0.0} ms of this process's CPU each" +
    $"{(m.Failures > 0 ? $"; {m.Failures} failed: {m.FirstError}" : "")})";

static void Report((string Figure, string Value, string Target, string Note) row, Measured m) =>
    Console.WriteLine($"{row.Figure}: {row.Value} — {m.Count} in {m.Elapsed.TotalSeconds:0.0} s; target {row.Target}");
