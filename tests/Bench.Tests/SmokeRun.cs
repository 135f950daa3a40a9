using System.Diagnostics;
using Orleans.Sente.Bench.Results;
using Orleans.Sente.Bench.Systems;

namespace Orleans.Sente.Bench.Tests;

/// <summary>Runs the harness's smoke mode as its own process and reads the results it wrote.</summary>
internal static class SmokeRun
{
    /// <summary>The smoke runs share one collection, so they run one after another: each starts up to a dozen processes on a small machine.</summary>
    public const string Collection = "bench smoke runs";

    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    public static async Task<(BenchReport Report, string Output, string OutDir)> RunAsync(string systems, string scenarios)
    {
        var layout = BenchLayout.Discover();
        var outDir = Path.Combine(Path.GetTempPath(), "sente-bench-" + Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo(layout.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { layout.Dll("perf/Bench", "Orleans.Sente.Bench"), "--smoke", "--plain", "--systems", systems, "--scenarios", scenarios, "--out", outDir })
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

    /// <summary>
    /// The run ended well, acknowledged at least <paramref name="minimumAcknowledged"/> pushes with no
    /// refused one, and counted at least as many deliveries in its window as the acknowledged pushes
    /// owe their clients, less the in-flight tolerance (<see cref="MarkdownResultsWriter.LostTolerance"/>:
    /// pushes in flight at the window's edges). A count, not a receipt per push: the harness's
    /// receivers count deliveries and do not say which push each was, so a duplicate would make up
    /// for a loss here.
    /// </summary>
    public static void AssertAcknowledgedAndDeliveredWithinInFlightTolerance(RunResult load, string output, long minimumAcknowledged)
    {
        Assert.True(load.Ok, load.Error + "\n" + output);
        Assert.True(load.PushesAcked >= minimumAcknowledged, $"only {load.PushesAcked} pushes acknowledged\n{output}");
        Assert.True(load.Deliveries >= load.PushesAcked * load.DeliveriesPerPush - MarkdownResultsWriter.LostTolerance(load),
            $"{load.Deliveries} deliveries of {load.PushesAcked} pushes to {load.DeliveriesPerPush} clients each\n{output}");
        Assert.Equal(0, load.DriverErrors);
        Assert.Equal(0, load.NegativeLatencies);
    }
}

[CollectionDefinition(SmokeRun.Collection)]
public sealed class SmokeRunCollection;
