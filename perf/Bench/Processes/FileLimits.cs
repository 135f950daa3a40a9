using System.Runtime.InteropServices;

namespace Orleans.Sente.Bench.Processes;

/// <summary>
/// Raises RLIMIT_NOFILE for the harness, which every child inherits (the .NET runtime then
/// lifts its own soft limit to the hard one). Tens of thousands of sockets need it.
/// </summary>
internal static partial class FileLimits
{
    /// <summary>The limit asked for; the kernel's fs.nr_open caps it.</summary>
    public const ulong Wanted = 1_048_576;

    private const int RlimitNofile = 7;

    public static ulong Raise()
    {
        if (getrlimit(RlimitNofile, out var current) != 0)
        {
            return 0;
        }

        var wanted = new RLimit { Current = Wanted, Max = Math.Max(Wanted, current.Max) };
        if (setrlimit(RlimitNofile, in wanted) == 0)
        {
            return wanted.Current;
        }

        // Without privilege only the soft limit can move, up to the hard one.
        var soft = new RLimit { Current = current.Max, Max = current.Max };
        return setrlimit(RlimitNofile, in soft) == 0 ? soft.Current : current.Current;
    }

    /// <summary>The soft limit now in force (inherited by every child).</summary>
    public static ulong Current() => getrlimit(RlimitNofile, out var current) == 0 ? current.Current : 0;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);
}
