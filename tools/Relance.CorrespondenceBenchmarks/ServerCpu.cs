using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Relance.CorrespondenceBenchmarks;

/// <summary>The processor time used so far by the process listening on a local TCP port (Linux: ss and /proc); none elsewhere.</summary>
static partial class ServerCpu
{
    public static TimeSpan? Of(int port)
    {
        try
        {
            using var ss = Process.Start(new ProcessStartInfo("ss", $"-ltnpH sport = :{port}") { RedirectStandardOutput = true })!;
            var listing = ss.StandardOutput.ReadToEnd();
            ss.WaitForExit();
            if (Pid().Match(listing) is not { Success: true } pid) return null;
            // /proc/<pid>/stat: utime and stime are fields 14 and 15, in clock ticks (100 per second on Linux), after the ")" of the name.
            var stat = File.ReadAllText($"/proc/{pid.Groups[1].Value}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return TimeSpan.FromMilliseconds((long.Parse(fields[11]) + long.Parse(fields[12])) * 10);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex Pid();
}
