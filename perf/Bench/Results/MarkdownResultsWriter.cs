using System.Globalization;
using System.Text;

namespace Orleans.Sente.Bench.Results;

/// <summary>results.md: one table row per run, the units in the header.</summary>
internal static class MarkdownResultsWriter
{
    public static string Render(BenchReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run {report.Started:yyyy-MM-dd HH:mm} UTC, {report.Processors} cores, {report.MemoryGiB:0} GiB, {report.Runtime}{(report.Smoke ? ", smoke sizes" : "")}.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{report.Command}`");
        md.AppendLine();
        md.AppendLine("| system | scenario | clients held | deliveries/s | p50 / p99 / max ms | system CPU us/delivery | whole CPU us/delivery | system cores | system RSS KiB/conn (marginal) | load avg | notes |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in report.Runs.Where(r => !r.IsConnect))
        {
            md.AppendLine(Row(r));
        }

        var connects = report.Runs.Where(r => r.IsConnect).ToArray();
        if (connects.Length > 0)
        {
            md.AppendLine();
            md.AppendLine("Connects: the measured clients connect after the warm-up clients, the window runs from the first connect to shortly after the last handshake, and CPU and messages are the window's less the system's idle rate over as long.");
            md.AppendLine();
            md.AppendLine("| system | scenario | front ends | connects | ms to every handshake | connect p50 / p99 / max ms | system CPU us/connect | idle system cores | Orleans messages/connect | Sente grain calls/connect | system RSS KiB/conn | load avg | notes |");
            md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var r in connects)
            {
                md.AppendLine(ConnectRow(r));
            }
        }

        return md.ToString();
    }

    public static string ConnectRow(RunResult r)
    {
        var cells = new[]
        {
            r.System,
            r.Label,
            r.FrontEnds > 0 ? F(r.FrontEnds, "N0") : "",
            F(r.Connects, "N0"),
            F(r.ConnectSpanMs, "N0"),
            $"{F(r.ConnectP50Ms, "0.0")} / {F(r.ConnectP99Ms, "0.0")} / {F(r.ConnectMaxMs, "0")}",
            F(r.SystemCpuMicrosPerConnect, "0"),
            F(r.IdleSystemCores, "0.000"),
            F(r.MessagesPerOperation, "0.0"),
            F(r.GrainCallsPerOperation, "0.0"),
            F(r.SystemKiBPerConnection, "0.0"),
            F(r.LoadAverage, "0.0"),
            string.Join("; ", Notes(r).Concat(CallsByMethod(r))),
        };
        return "| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |";
    }

    /// <summary>The Orleans.Sente grain calls per operation by method, largest first (those of at least 0.05).</summary>
    private static IEnumerable<string> CallsByMethod(RunResult r) =>
        r.GrainCallsPerOperationByMethod is not { } calls ? []
            : [string.Join(", ", calls.Where(kv => kv.Value >= 0.05).OrderByDescending(kv => kv.Value)
                .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:0.00}")))];

    private static string F(double v, string format) => double.IsNaN(v) ? "-" : v.ToString(format, CultureInfo.InvariantCulture);

    public static string Row(RunResult r)
    {
        var idle = r.Scenario == "S4";
        var cells = new[]
        {
            r.System,
            r.Label,
            F(r.Connected, "N0"),
            idle ? "" : F(r.DeliveriesPerSecond, "N0"),
            idle ? "" : $"{F(r.P50Ms, "0.0")} / {F(r.P99Ms, "0.0")} / {F(r.MaxMs, "0")}",
            idle ? "" : F(r.SystemCpuMicrosPerDelivery, "0.0"),
            idle ? "" : F(r.WholeCpuMicrosPerDelivery, "0.0"),
            idle ? "" : F(r.SystemCores, "0.00"),
            $"{F(r.SystemKiBPerConnection, "0.0")} ({F(r.SystemMarginalKiBPerConnection, "0.0")})",
            F(r.LoadAverage, "0.0"),
            string.Join("; ", Notes(r)),
        };
        return "| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |";
    }

    /// <summary>
    /// Pushes in flight when the window opened may be delivered before it and acknowledged in it, and
    /// as many at its end: the driver's whole window when saturating, a fifth of a second's pushes when
    /// paced (at most the window), each making <see cref="RunResult.DeliveriesPerPush"/> deliveries.
    /// </summary>
    public static long LostTolerance(RunResult r)
    {
        const int InFlight = Orleans.Sente.Bench.LoadGen.DriverOptions.DefaultInFlight;
        var pushes = r.TargetRate > 0 ? Math.Clamp((int)Math.Ceiling(r.TargetRate / 5), 1, InFlight) : InFlight;
        return 2L * pushes * (r.DeliveriesPerPush > 0 ? r.DeliveriesPerPush : r.ClientsPerUser);
    }

    private static List<string> Notes(RunResult r)
    {
        var notes = new List<string>();
        if (r.Error is not null)
        {
            notes.Add("FAILED: " + r.Error.Split('\n')[0]);
        }

        if (r.ResumeMs is { } resume)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"resumed after {resume:N0} ms, {r.Lost:N0} deliveries lost, {r.Reconnects:N0} reconnects"));
            if (r.DriverErrors > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{r.DriverErrors:N0} pushes refused (not acknowledged)"));
            }
        }
        else if (r.Lost > LostTolerance(r))
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{r.Lost:N0} lost"));
        }

        if (r.Repeats > 1)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"median of {r.Repeats} runs"));
        }

        if (r.NegativeLatencies > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{r.NegativeLatencies} negative latencies"));
        }

        if (r.OpenAtEnd >= 0 && r.OpenAtEnd < r.Connected && r.ResumeMs is null)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{r.Connected - r.OpenAtEnd:N0} clients closed during the run")
                + (r.CloseReasons is { Count: > 0 } reasons
                    ? " (" + string.Join(", ", reasons.OrderByDescending(kv => kv.Value).Take(3).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Value:N0} {kv.Key}"))) + ")"
                    : ""));
        }

        if (r.GroupMembers > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"group of {r.GroupMembers:N0} users, {r.DeliveriesPerPush:N0} deliveries per push")
                + (double.IsNaN(r.GroupSetupSeconds) ? ", joined as they connected"
                    : string.Create(CultureInfo.InvariantCulture, $", members added in {r.GroupSetupSeconds:0.0} s")
                        + (r.GroupSetupRetries > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({r.GroupSetupRetries:N0} additions tried again)") : "")));
        }

        if (!r.IsConnect && !double.IsNaN(r.MessagesPerOperation))
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"per push on the silos: {r.MessagesPerOperation:0.00} Orleans messages, {r.GrainCallsPerOperation:0.00} Sente grain calls"));
        }

        return notes;
    }
}
