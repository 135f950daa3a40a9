using Orleans.Sente.Bench.Results;

namespace Orleans.Sente.Bench.Tests;

/// <summary>Runs the harness's smoke mode as its own process against the bare Kestrel baseline and Orleans.Sente.</summary>
[Collection(SmokeRun.Collection)]
public sealed class SmokeEndToEndTests
{
    [Fact]
    public async Task Smoke_run_of_the_kestrel_baseline_delivers_and_writes_results()
    {
        var (report, output, outDir) = await SmokeRun.RunAsync("kestrel-ws", "S1,S4");
        var load = Assert.Single(report.Runs, r => r.Scenario == "S1");
        Assert.True(load.Deliveries > 0, output);
        Assert.Equal(0, load.NegativeLatencies);
        Assert.Equal(40, load.Connected);
        Assert.Equal(200, Assert.Single(report.Runs, r => r.Scenario == "S4").Connected);
        Assert.True(File.Exists(Path.Combine(outDir, "results.md")));
        Assert.True(File.Exists(Path.Combine(outDir, "throughput.svg")));
        Directory.Delete(outDir, recursive: true);
    }

    [Fact]
    public async Task Smoke_run_of_Orleans_Sente_acknowledges_100_pushes_or_more_and_delivers_them_to_both_clients_of_a_user_within_the_in_flight_tolerance()
    {
        // 2 silos, 2 front ends and the push gateway as processes; the receiver speaks sente-json.
        var (report, output, outDir) = await SmokeRun.RunAsync("sente-flush", "S1");
        var load = Assert.Single(report.Runs);
        Assert.Equal(40, load.Connected);
        SmokeRun.AssertAcknowledgedAndDeliveredWithinInFlightTolerance(load, output, minimumAcknowledged: 100);
        Assert.InRange(load.Lost, 0, MarkdownResultsWriter.LostTolerance(load));
        Assert.Contains(load.Processes, p => p.Role == "silo B" && p.IsSystem);
        Directory.Delete(outDir, recursive: true);
    }
}
