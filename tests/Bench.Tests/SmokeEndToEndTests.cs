using System.Diagnostics;
using Orleans.Sente.Bench.Results;
using Orleans.Sente.Bench.Systems;

namespace Orleans.Sente.Bench.Tests;

/// <summary>Runs the harness's smoke mode as its own process against the bare Kestrel baseline and Orleans.Sente.</summary>
public sealed class SmokeEndToEndTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Smoke_run_of_the_kestrel_baseline_delivers_and_writes_results()
    {
        var (report, output, outDir) = await RunSmokeAsync("kestrel-ws", "S1,S4");
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
    public async Task Smoke_run_of_Orleans_Sente_delivers_every_push_to_both_clients_of_a_user()
    {
        // 2 silos, 2 front ends and the push gateway as processes; the receiver speaks sente-json.
        var (report, output, outDir) = await RunSmokeAsync("sente-flush", "S1");
        var load = Assert.Single(report.Runs);
        Assert.True(load.Ok, load.Error + "\n" + output);
        Assert.Equal(40, load.Connected);
        // Every acknowledged push reaches both clients of its user, but for those in flight at the
        // window's edges; a run that pushed (almost) nothing proves nothing and fails.
        Assert.True(load.PushesAcked >= 100, $"only {load.PushesAcked} pushes acknowledged\n{output}");
        Assert.True(load.Deliveries >= load.PushesAcked * load.ClientsPerUser - Results.MarkdownResultsWriter.LostTolerance(load),
            $"{load.Deliveries} deliveries of {load.PushesAcked} pushes to {load.ClientsPerUser} clients each\n{output}");
        Assert.Equal(0, load.DriverErrors);
        Assert.Equal(0, load.NegativeLatencies);
        Assert.InRange(load.Lost, 0, Results.MarkdownResultsWriter.LostTolerance(load));
        Assert.Contains(load.Processes, p => p.Role == "silo B" && p.IsSystem);
        Directory.Delete(outDir, recursive: true);
    }

    private static async Task<(BenchReport Report, string Output, string OutDir)> RunSmokeAsync(string system, string scenarios)
    {
        var layout = BenchLayout.Discover();
        var outDir = Path.Combine(Path.GetTempPath(), "sente-bench-" + Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo(layout.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { layout.Dll("perf/Bench", "Orleans.Sente.Bench"), "--smoke", "--plain", "--systems", system, "--scenarios", scenarios, "--out", outDir })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        var report = JsonResultsWriter.Deserialize(await File.ReadAllTextAsync(Path.Combine(outDir, "results.json")));
        Assert.NotNull(report);
        return (report, output, outDir);
    }
}
