using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Relance.ServiceDefaults.Audit.Verifying;

namespace Relance.Cli.Verifying;

/// <summary>
/// <c>relance audit verify [--service invoice|reminder|correspondence] [--stream &lt;key&gt;] [--expect-head [stream:]&lt;sequence&gt;:&lt;hash&gt;] [--json]</c>:
/// every event checked against its seal. Exit 0 when nothing is wrong, 1 when tampering is found (or the head differs from the one expected).
/// </summary>
public static class VerifyCommand
{
    public static void Register(CliContext context, Command audit, Command projections, Command privacy)
    {
        var service = new Option<string?>("--service") { Description = "Only this service's store (default: all three)" };
        service.AcceptOnlyFromAmong("invoice", "reminder", "correspondence");
        var stream = new Option<string?>("--stream") { Description = "Only this stream (its key, e.g. ACME/C-1/EUR)" };
        var expectHead = new Option<string?>("--expect-head")
        {
            Description = "A head printed earlier, as <sequence>:<hash> (a store's) or stream:<sequence>:<hash> (with --stream): the head over the seals up to that sequence must still be it (needs --service)",
        };
        var json = new Option<bool>("--json") { Description = "The report as JSON" };
        var verify = new Command("verify", "Checks every event against its seal (hash chain per stream): modified, deleted or inserted events.")
        {
            service, stream, expectHead, json,
        };
        verify.SetAction(async (parsed, cancellation) =>
        {
            var expected = ParseExpectedHead(parsed.GetValue(expectHead), parsed.GetValue(service), parsed.GetValue(stream));
            var stores = parsed.GetValue(service) is { } one ? [Enum.Parse<StoreName>(one, ignoreCase: true)] : Enum.GetValues<StoreName>();
            var reports = new List<StoreVerification>();
            foreach (var store in stores)
                reports.Add(await SealVerifier.VerifyAsync(store.ToString().ToLowerInvariant(), context.Stores.ConnectionString(parsed, store),
                    parsed.GetValue(stream), expected?.Sequence, cancellation));
            var headDiffers = expected is { } e && reports.Single().HeadAsOf?.Head != e.Hash;
            var scope = parsed.GetValue(stream) is null ? StoreScope : StreamScope;
            if (parsed.GetValue(json)) await WriteJsonAsync(context.Output, reports, scope, expected, headDiffers);
            else await WriteTextAsync(context.Output, reports, scope, expected, headDiffers);
            return reports.All(r => r.Clean) && !headDiffers ? 0 : 1;
        });
        audit.Subcommands.Add(verify);
    }

    /// <summary>
    /// A head covers the streams verified: a store's all of them, a stream's only it. Its prefix says which, so that one is
    /// never compared with the other (it would always differ, and look like tampering).
    /// </summary>
    const string StoreScope = "", StreamScope = "stream:";

    static string Printed(string scope, long sequence, string hash) => string.Create(CultureInfo.InvariantCulture, $"{scope}{sequence}:{hash}");

    static (long Sequence, string Hash)? ParseExpectedHead(string? given, string? service, string? stream)
    {
        if (given is null) return null;
        if (service is null) throw new CliException("--expect-head is a head of one store: give --service too.");
        var isStreamHead = given.StartsWith(StreamScope, StringComparison.Ordinal);
        var parts = given[(isStreamHead ? StreamScope.Length : 0)..].Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || parts[1].Length != 64)
            throw new CliException($"--expect-head takes <sequence>:<64 hex digits>, as verify prints it; got '{given}'.");
        if (isStreamHead && stream is null)
            throw new CliException("--expect-head is a stream's head (stream:…), printed by a verify with --stream: give the same --stream.");
        if (!isStreamHead && stream is not null)
            throw new CliException("--expect-head is a store's head; with --stream, give the stream's head (stream:…) that a verify with --stream printed.");
        return (sequence, parts[1].ToLowerInvariant());
    }

    static async Task WriteTextAsync(TextWriter output, List<StoreVerification> reports, string scope, (long Sequence, string Hash)? expected, bool headDiffers)
    {
        foreach (var r in reports)
        {
            if (!r.Sealing)
            {
                await output.WriteLineAsync($"{r.Service}: not sealed yet (no seal table): {r.EventsChecked} events not yet sealed");
                continue;
            }
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{r.Service}: {r.EventsChecked} events checked, {r.Sealed} sealed, {r.NotYetSealed} not yet sealed (sealer at sequence {r.SealedThrough}), {r.Problems.Count} problems, {r.Elapsed.TotalMilliseconds:0} ms"));
            foreach (var p in r.Problems)
                await output.WriteLineAsync($"  {p.Kind,-8} {p.Stream} v{p.Version}{(p.Sequence is { } s ? $" (sequence {s})" : "")}: {p.Detail}");
            await output.WriteLineAsync(scope == StoreScope
                ? $"  store head {Printed(scope, r.SealedThrough, r.Head)} ({r.Heads.Count} streams)"
                : $"  stream head {Printed(scope, r.SealedThrough, r.Head)} (this stream only: compare it with --stream)");
            if (r.HeadAsOf is { } asOf)
                await output.WriteLineAsync($"  {(scope == StoreScope ? "store" : "stream")} head at sequence {asOf.Sequence}: {asOf.Head} — {(headDiffers ? $"DIFFERS from the expected {expected!.Value.Hash}" : "as expected")}");
            foreach (var h in r.Heads) await output.WriteLineAsync($"    {h.Stream} v{h.Version} {h.Hash}");
        }
        var problems = reports.Sum(r => r.Problems.Count);
        await output.WriteLineAsync(problems == 0 && !headDiffers ? "verdict: clean" : $"verdict: TAMPERING FOUND ({problems} problems{(headDiffers ? ", head differs" : "")})");
    }

    static async Task WriteJsonAsync(TextWriter output, List<StoreVerification> reports, string scope, (long Sequence, string Hash)? expected, bool headDiffers)
    {
        var document = new
        {
            clean = reports.All(r => r.Clean) && !headDiffers,
            stores = reports.Select(r => new
            {
                service = r.Service, sealing = r.Sealing, eventsChecked = r.EventsChecked, @sealed = r.Sealed, notYetSealed = r.NotYetSealed,
                sealedThrough = r.SealedThrough, elapsedMs = r.Elapsed.TotalMilliseconds,
                problems = r.Problems.Select(p => new { kind = p.Kind, stream = p.Stream, version = p.Version, sequence = p.Sequence, detail = p.Detail }),
                headScope = scope == StoreScope ? "store" : "stream",
                head = Printed(scope, r.SealedThrough, r.Head),
                headAsOf = r.HeadAsOf is { } h ? new { sequence = h.Sequence, head = h.Head, expected = expected?.Hash, matches = !headDiffers } : null,
                streams = r.Heads.Select(s => new { stream = s.Stream, version = s.Version, hash = s.Hash }),
            }),
        };
        await output.WriteLineAsync(JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
    }
}
