using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Hosting;
using Orleans.Sente.Deployment.Tests.Infrastructure;
using Orleans.Sente.Hosting;

namespace Orleans.Sente.Deployment.Tests;

/// <summary>
/// Probes while storage hangs (Azurite frozen with SIGSTOP): every front end would fail its probes
/// at once if they waited on storage. Liveness runs no check and answers at once; readiness answers
/// within its checks' timeout, whatever it concludes.
/// </summary>
public sealed class HealthDuringOutageTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Liveness does no work: this bound only absorbs a loaded machine.</summary>
    private static readonly TimeSpan LiveBound = TimeSpan.FromSeconds(5);

    /// <summary>Readiness's checks time out after 5 s; the rest absorbs a loaded machine.</summary>
    private static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Health_endpoints_answer_fully_and_in_time_while_storage_is_frozen()
    {
        var azurite = await AzuriteFixture.StartOwnAsync();
        var cluster = new AzureCluster(azurite.ConnectionString);
        var silo = await cluster.StartSiloAsync();
        var frontEnd = await cluster.StartFrontEndAsync(sessions: true);
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await ProbeAsync(http, SenteOperations.LivePath, LiveBound));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await ProbeAsync(http, SenteOperations.ReadyPath, ReadyBound));

        azurite.Pause();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal((HttpStatusCode.OK, "Healthy"), await ProbeAsync(http, SenteOperations.LivePath, LiveBound));
                var (status, body) = await ProbeAsync(http, SenteOperations.ReadyPath, ReadyBound);
                output.WriteLine($"ready while storage is frozen: {(int)status} {body}");
                Assert.True(
                    (status, body) is (HttpStatusCode.OK, "Healthy" or "Degraded") or (HttpStatusCode.ServiceUnavailable, "Unhealthy"),
                    $"ready answered {(int)status} {body}");
            }
        }
        finally
        {
            azurite.Resume();
            await frontEnd.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            _ = silo.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token).ContinueWith(_ => silo.Dispose(), TaskScheduler.Default);
            await azurite.DisposeAsync();
        }
    }

    /// <summary>One probe without cookies, as a load balancer sends it: status and whole body, within the bound.</summary>
    private static async Task<(HttpStatusCode, string)> ProbeAsync(HttpClient http, string path, TimeSpan bound)
    {
        var watch = Stopwatch.StartNew();
        using var cancel = new CancellationTokenSource(bound);
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancel.Token);
            var body = await response.Content.ReadAsStringAsync(cancel.Token);
            return (response.StatusCode, body);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"{path} did not answer in full within {bound.TotalSeconds} s (waited {watch.Elapsed.TotalSeconds:F1} s).");
        }
    }
}
