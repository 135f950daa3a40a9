using Orleans.Sente.Bench.Results;

namespace Orleans.Sente.Bench.Tests;

public sealed class RunMedianTests
{
    private static RunResult Run(double perSecond, double cpu, double p99, double? resumeMs = null, string system = "sente", string? error = null) => new()
    {
        System = system, Scenario = "S1", Label = "S1 saturated", Clients = 40, ClientsPerUser = 2, Connected = 40,
        DeliveriesPerSecond = perSecond, SystemCpuMicrosPerDelivery = cpu, P99Ms = p99, ResumeMs = resumeMs, Error = error,
        Processes = [new ProcessFigures($"cpu {cpu}", true, cpu, 1)],
    };

    [Fact]
    public void Each_figure_is_its_own_median_and_the_processes_come_from_the_median_cpu_run()
    {
        var folded = RunMedian.Of([Run(100, 30, 9, 4000), Run(300, 10, 1), Run(200, 20, 5, 2000)]);

        Assert.Equal(200, folded.DeliveriesPerSecond);
        Assert.Equal(20, folded.SystemCpuMicrosPerDelivery);
        Assert.Equal(5, folded.P99Ms);
        Assert.Equal(3000, folded.ResumeMs);
        Assert.Equal(3, folded.Repeats);
        Assert.Equal("cpu 20", Assert.Single(folded.Processes).Role);
        Assert.Contains("median of 3 runs", MarkdownResultsWriter.Row(folded), StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_fold_per_system_and_a_failed_run_fails_its_result()
    {
        var folded = RunMedian.Fold(
        [
            Run(100, 30, 9), Run(5, 1, 1, system: "signalr"), Run(300, 10, 1), Run(6, 2, 2, system: "signalr", error: "gone"),
        ]);

        Assert.Equal(2, folded.Count);
        Assert.Equal(200, folded.Single(r => r.System == "sente").DeliveriesPerSecond);
        var signalr = folded.Single(r => r.System == "signalr");
        Assert.False(signalr.Ok);
        Assert.Equal(2, signalr.Repeats);
    }

    [Fact]
    public void Repeat_is_parsed_and_at_least_one()
    {
        Assert.Equal(3, BenchOptions.Parse(["--repeat", "3"]).Repeat);
        Assert.Equal(1, BenchOptions.Parse(["--repeat", "0"]).Repeat);
        Assert.Equal(1, BenchOptions.Parse([]).Repeat);
    }
}
