using System.Globalization;

namespace Orleans.Sente.Bench.Processes;

/// <summary>One reading of a process's CPU time (utime + stime) and resident set size.</summary>
internal readonly record struct ProcSample(long CpuTicks, long RssBytes)
{
    public double CpuSeconds => (double)CpuTicks / ProcStat.TicksPerSecond;
}

/// <summary>Reads <c>/proc/&lt;pid&gt;/stat</c> and <c>/proc/&lt;pid&gt;/status</c>.</summary>
internal static class ProcStat
{
    /// <summary>USER_HZ: the unit of utime and stime; 100 on every Linux ABI .NET runs on.</summary>
    public const long TicksPerSecond = 100;

    public static ProcSample? TryRead(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var status = File.ReadAllText($"/proc/{pid}/status");
            return new ProcSample(ParseCpuTicks(stat), ParseRssBytes(status));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>utime (field 14) + stime (field 15). The command name (field 2) may hold spaces and parentheses, so fields are counted after its last ')'.</summary>
    public static long ParseCpuTicks(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            throw new FormatException("No command name in /proc stat line.");
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int FirstFieldAfterName = 3;
        var utime = long.Parse(fields[14 - FirstFieldAfterName], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[15 - FirstFieldAfterName], CultureInfo.InvariantCulture);
        return utime + stime;
    }

    /// <summary>The <c>VmRSS:  1234 kB</c> line, in bytes.</summary>
    public static long ParseRssBytes(string status)
    {
        foreach (var line in status.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("VmRSS:"))
            {
                var value = line["VmRSS:".Length..].Trim();
                var space = value.IndexOf(' ');
                var kib = long.Parse(space >= 0 ? value[..space] : value, CultureInfo.InvariantCulture);
                return kib * 1024;
            }
        }

        throw new FormatException("No VmRSS line in /proc status.");
    }
}
