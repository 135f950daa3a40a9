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
        foreach (var r in report.Runs)
        {
            md.AppendLine(Row(r));
        }

        return md.ToString();
    }

    public static string Row(RunResult r)
    {
        var idle = r.Scenario == "S4";
        string F(double v, string format) => double.IsNaN(v) ? "-" : v.ToString(format, CultureInfo.InvariantCulture);
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
            Notes(r),
        };
        return "| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |";
    }

    /// <summary>Pushes in flight when the window opened may be delivered before it and acknowledged in it.</summary>
    public static long LostTolerance(RunResult r) =>
        2L * Orleans.Sente.Bench.LoadGen.DriverOptions.DefaultInFlight * r.ClientsPerUser;

    private static string Notes(RunResult r)
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

        return string.Join("; ", notes);
    }
}
