namespace Orleans.Sente.Bench.Results;

/// <summary>The pictures written beside results.md: throughput, latency, CPU and memory per system.</summary>
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

        return charts;
    }

    private static ChartSeries Series(string system, string[] labels, RunResult[] runs, Func<RunResult, double> value) =>
        new(system, labels.Select(l => runs.FirstOrDefault(r => r.System == system && r.Label == l) is { } r ? value(r) : double.NaN).ToArray());

    private static string Short(RunResult r) => r.TargetRate > 0 ? $"{r.TargetRate:0}/s" : $"sat {r.Clients / 1000.0:0.#}k";
}
