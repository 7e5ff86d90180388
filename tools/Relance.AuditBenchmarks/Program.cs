// dotnet run -c Release --project tools/Relance.AuditBenchmarks -- <benchmark> [options]; see audit.sh beside this file.
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>
{
    ["timeline"] = Relance.AuditBenchmarks.TimelineBenchmark.RunAsync,
    ["seal-verify"] = Relance.AuditBenchmarks.SealingBenchmark.RunAsync,
    ["rebuild"] = Relance.AuditBenchmarks.RebuildBenchmark.RunAsync,
};
if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Relance.AuditBenchmarks <{string.Join("|", benchmarks.Keys)}> [options]");
    return 2;
}
return await run(args[1..]);
