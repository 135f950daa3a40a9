namespace Orleans.Sente.Bench.Results;

/// <summary>
/// The pictures written beside results.md: throughput, latency, CPU and memory per system (S1-S5),
/// and, when they ran, groups (S6), producer and scale-out (S7, S8) and connects (S9, S10).
/// </summary>
internal static class ChartSet
{
    public static IReadOnlyDictionary<string, string> Render(BenchReport report)
    {
        var runs = report.Runs.Where(r => r.Ok || r.Deliveries > 0).ToArray();
        var systems = report.Runs.Select(r => r.System).Distinct().ToArray();
        var charts = new Dictionary<string, string>();

        var saturated = runs.Where(r => r.Scenario is "S1" or "S3").Select(r => r.Label).Distinct().ToArray();
        if (saturated.Length > 0)
        {
            charts["throughput.svg"] = SvgBarChart.Render("Deliveries per second, saturated", "deliveries/s",
                saturated, systems.Select(s => Series(s, saturated, runs, r => r.DeliveriesPerSecond)).ToArray());
            charts["cpu.svg"] = SvgBarChart.Render("System CPU per delivery, saturated (lower is better)", "CPU microseconds per delivery",
                saturated, systems.Select(s => Series(s, saturated, runs, r => r.SystemCpuMicrosPerDelivery)).ToArray());
        }

        var loaded = runs.Where(r => r.Scenario is "S1" or "S2" or "S3").ToArray();
        if (loaded.Length > 0)
        {
            var categories = loaded.Select(r => $"{r.System} {Short(r)}").ToArray();
            charts["latency.svg"] = SvgBarChart.Render("Push-to-receive latency percentiles", "milliseconds", categories,
            [
                new ChartSeries("p50", loaded.Select(r => r.P50Ms).ToArray()),
                new ChartSeries("p90", loaded.Select(r => r.P90Ms).ToArray()),
                new ChartSeries("p99", loaded.Select(r => r.P99Ms).ToArray()),
            ]);
        }

        var memoryScenarios = runs.Where(r => r.Scenario is "S1" or "S3" or "S4").Select(r => r.Label).Distinct().ToArray();
        if (memoryScenarios.Length > 0)
        {
            charts["memory.svg"] = SvgBarChart.Render("System RSS per connection", "KiB per connection", systems,
                memoryScenarios.Select(l => new ChartSeries(l, systems.Select(s =>
                    runs.FirstOrDefault(r => r.System == s && r.Label == l)?.SystemKiBPerConnection ?? double.NaN).ToArray())).ToArray());
        }

        AddGroupCharts(charts, runs);
        AddProducerAndScaleOutCharts(charts, runs);
        AddConnectCharts(charts, runs);
        return charts;
    }

    /// <summary>S6: CPU per delivery and latency of group pushes, per group size and system.</summary>
    private static void AddGroupCharts(Dictionary<string, string> charts, RunResult[] runs)
    {
        var group = runs.Where(r => r.Scenario == "S6").ToArray();
        if (group.Length == 0)
        {
            return;
        }

        var labels = group.Select(r => r.Label).Distinct().ToArray();
        var systems = group.Select(r => r.System).Distinct().ToArray();
        charts["groups-cpu.svg"] = SvgBarChart.Render("Group pushes: system CPU per delivery (lower is better)", "CPU microseconds per delivery",
            labels.Select(ShortLabel).ToArray(), systems.Select(s => Series(s, labels, group, r => r.SystemCpuMicrosPerDelivery)).ToArray());
        charts["groups-latency.svg"] = SvgBarChart.Render("Group pushes: push-to-receive latency", "milliseconds",
            group.Select(r => $"{r.System} {ShortLabel(r.Label)}").ToArray(),
            [
                new ChartSeries("p50", group.Select(r => r.P50Ms).ToArray()),
                new ChartSeries("p99", group.Select(r => r.P99Ms).ToArray()),
            ]);
    }

    /// <summary>S7 and S8: S1's load pushed from a grain or the gateway, and on 2 or 4 silos and front ends.</summary>
    private static void AddProducerAndScaleOutCharts(Dictionary<string, string> charts, RunResult[] runs)
    {
        var variants = runs.Where(r => r.Scenario is "S7" or "S8").ToArray();
        if (variants.Length == 0)
        {
            return;
        }

        var labels = variants.Select(r => r.Label).Distinct().ToArray();
        var categories = labels.Select(ShortLabel).ToArray();
        var systems = variants.Select(r => r.System).Distinct().ToArray();
        charts["producer-scaleout-cpu.svg"] = SvgBarChart.Render("Saturated, 2000 clients: system CPU per delivery (lower is better)", "CPU microseconds per delivery",
            categories, systems.Select(s => Series(s, labels, variants, r => r.SystemCpuMicrosPerDelivery)).ToArray());
        charts["producer-scaleout-throughput.svg"] = SvgBarChart.Render("Saturated, 2000 clients: deliveries per second", "deliveries/s",
            categories, systems.Select(s => Series(s, labels, variants, r => r.DeliveriesPerSecond)).ToArray());
        if (variants.Any(r => !double.IsNaN(r.MessagesPerOperation)))
        {
            charts["messages-per-push.svg"] = SvgBarChart.Render("Orleans messages and Sente grain calls per push on the silos", "per push",
                categories,
                [
                    new ChartSeries("Orleans messages", labels.Select(l => variants.FirstOrDefault(r => r.Label == l)?.MessagesPerOperation ?? double.NaN).ToArray()),
                    new ChartSeries("Sente grain calls", labels.Select(l => variants.FirstOrDefault(r => r.Label == l)?.GrainCallsPerOperation ?? double.NaN).ToArray()),
                ]);
        }
    }

    /// <summary>S9 and S10: CPU and messages per connect, and the storm's time until every handshake.</summary>
    private static void AddConnectCharts(Dictionary<string, string> charts, RunResult[] runs)
    {
        var connects = runs.Where(r => r.IsConnect).ToArray();
        if (connects.Length == 0)
        {
            return;
        }

        var labels = connects.Select(r => r.Label).Distinct().ToArray();
        var systems = connects.Select(r => r.System).Distinct().ToArray();
        charts["connect-cpu.svg"] = SvgBarChart.Render("System CPU per connect (lower is better)", "CPU microseconds per connect",
            labels.Select(ShortLabel).ToArray(), systems.Select(s => Series(s, labels, connects, r => r.SystemCpuMicrosPerConnect)).ToArray());

        var counted = connects.Where(r => !double.IsNaN(r.MessagesPerOperation)).ToArray();
        if (counted.Length > 0)
        {
            charts["connect-messages.svg"] = SvgBarChart.Render("Orleans messages and Sente grain calls per connect on the silos", "per connect",
                counted.Select(r => ShortLabel(r.Label)).ToArray(),
                [
                    new ChartSeries("Orleans messages", counted.Select(r => r.MessagesPerOperation).ToArray()),
                    new ChartSeries("Sente grain calls", counted.Select(r => r.GrainCallsPerOperation).ToArray()),
                ]);
        }

        var storm = connects.Where(r => r.Scenario == "S10").ToArray();
        if (storm.Length > 0)
        {
            charts["connect-storm.svg"] = SvgBarChart.Render("Connect storm: time to the handshake", "milliseconds",
                storm.Select(r => r.System).ToArray(),
                [
                    new ChartSeries("p50 of a client", storm.Select(r => r.ConnectP50Ms).ToArray()),
                    new ChartSeries("p99 of a client", storm.Select(r => r.ConnectP99Ms).ToArray()),
                    new ChartSeries("every client", storm.Select(r => r.ConnectSpanMs).ToArray()),
                ]);
        }
    }

    /// <summary>
    /// The part of a label that tells the runs of one scenario apart: "group of 1,000 users" (S6),
    /// what follows the last comma otherwise ("4 silos + 4 front ends", "8 front ends"), without a
    /// closing aside in brackets.
    /// </summary>
    internal static string ShortLabel(string label)
    {
        var text = label.Replace(" (smoke)", "", StringComparison.Ordinal);
        if (text.StartsWith("S6 ", StringComparison.Ordinal))
        {
            var open = text.IndexOf(" (", StringComparison.Ordinal);
            return open > 0 ? text[3..open] : text[3..];
        }

        var comma = text.LastIndexOf(", ", StringComparison.Ordinal);
        var tail = comma >= 0 ? text[(comma + 2)..] : text;
        var aside = tail.IndexOf(" (", StringComparison.Ordinal);
        return aside > 0 && tail.EndsWith(')') ? tail[..aside] : tail;
    }

    private static ChartSeries Series(string system, string[] labels, RunResult[] runs, Func<RunResult, double> value) =>
        new(system, labels.Select(l => runs.FirstOrDefault(r => r.System == system && r.Label == l) is { } r ? value(r) : double.NaN).ToArray());

    private static string Short(RunResult r) => r.TargetRate > 0 ? $"{r.TargetRate:0}/s" : $"sat {r.Clients / 1000.0:0.#}k";
}
