using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Deployment.Tests.Infrastructure;
using Orleans.Sente.Hosting;
using Orleans.Sente.Protocol;
using Xunit.Abstractions;

namespace Orleans.Sente.Deployment.Tests;

/// <summary>
/// The real thing: <c>scripts/cluster.sh</c> (Azurite, two silo processes, two front-end processes,
/// nginx round-robin), browsers' flow through nginx (page, login, WebSocket), pushes from a
/// separate Orleans client, then one silo and one front end stopped with SIGTERM.
/// </summary>
public sealed partial class LocalClusterTests(ITestOutputHelper output)
{
    private const int Users = 4;
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(10);

    /// <summary>The load during the failover: a push to every user this often (the workload, not a wait).</summary>
    private static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Pushes_reach_every_client_through_nginx_and_keep_reaching_them_after_a_silo_and_a_front_end_stop()
    {
        await using var cluster = await LocalCluster.StartAsync();
        output.WriteLine($"cluster ready in {cluster.StartedIn.TotalSeconds:F1} s");
        await CheckOperationsEndpointsAsync(cluster, "SENTE_CLUSTER_SILO_1", "SENTE_CLUSTER_SILO_2", "SENTE_CLUSTER_FRONT_END_1", "SENTE_CLUSTER_FRONT_END_2");

        using var service = await StartServiceAsync(cluster);
        var grains = service.Services.GetRequiredService<IClusterClient>();
        var users = Enumerable.Range(1, Users).Select(i => $"user{i}-{Guid.NewGuid():N}"[..14]).ToArray();
        var clients = new List<WsClient>();
        try
        {
            foreach (var user in users)
            {
                clients.Add(await ConnectThroughNginxAsync(cluster.Url, user));
            }

            // Every delivery, in order, before anything is stopped.
            for (var n = 1; n <= 5; n++)
            {
                foreach (var user in users)
                {
                    await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/before", n), PushOptions.Flushed).WaitAsync(Timeouts.Frame);
                }
            }

            foreach (var client in clients)
            {
                for (var n = 1; n <= 5; n++)
                {
                    var ev = await client.NextEventAsync();
                    Assert.Equal(":test/before", ev[0].GetString());
                    Assert.Equal(n, ev[1].GetInt32());
                }
            }

            await CheckMetricsAsync(cluster);
            await CheckDashboardAsync(cluster);

            // One silo and one front end stop; every client must hear a push within the bound.
            // Pushes sent once both processes have exited are the ones that count: from then on
            // every client must hear one within the bound, on whichever front end it now is.
            var stopping = Stopwatch.StartNew();
            var round = new StrongBox<int>(0);
            using var pushing = new CancellationTokenSource();
            var pusher = PushUntilCancelledAsync(grains, users, round, pushing.Token);
            await Task.WhenAll(cluster.TerminateAsync("silo-1"), cluster.TerminateAsync("front-end-1"));
            var shutdown = stopping.Elapsed;
            var exitedRound = Volatile.Read(ref round.Value);
            var sinceExit = Stopwatch.StartNew();
            var times = await Task.WhenAll(clients.Select(c => WaitForPushAfterAsync(c, exitedRound, sinceExit)));
            await pushing.CancelAsync();
            await pusher;
            output.WriteLine($"closes: {string.Join(" | ", clients.Select(c => string.Join(",", c.Closes)))}");
            output.WriteLine($"silo-1 and front-end-1 exited {shutdown.TotalSeconds:F1} s after SIGTERM; " +
                $"each client heard a push sent after that within: {string.Join(", ", times.Select(t => t == TimeSpan.MaxValue ? "never" : $"{t.TotalSeconds:F2} s"))} of the exit; " +
                $"handshakes per client: {string.Join(", ", clients.Select(c => c.Handshakes))}");
            Assert.All(times, t => Assert.True(t < FailoverBound, $"a client waited {t.TotalSeconds:F1} s"));

            // Clients of the stopped front end were told to reconnect at once (1012, service restart).
            var closes = clients.SelectMany(c => c.Closes).ToList();
            Assert.Contains(1012, closes);
            Assert.All(closes, c => Assert.Equal(1012, c));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            await service.StopAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static async Task<TimeSpan> WaitForPushAfterAsync(WsClient client, int exitedRound, Stopwatch since)
    {
        while (true)
        {
            JsonElement ev;
            try
            {
                ev = await client.NextEventAsync(FailoverBound + TimeSpan.FromSeconds(5) - since.Elapsed);
            }
            catch (TimeoutException)
            {
                return TimeSpan.MaxValue;
            }

            if (ev[0].GetString() == ":test/after" && ev[1].GetInt32() > exitedRound)
            {
                return since.Elapsed;
            }
        }
    }

    /// <summary>A push to every user every 200 ms; calls that fail while the cluster settles are retried by the next round.</summary>
    private static async Task PushUntilCancelledAsync(IGrainFactory grains, string[] users, StrongBox<int> round, CancellationToken stop)
    {
        for (var n = 1; !stop.IsCancellationRequested; n++)
        {
            Volatile.Write(ref round.Value, n);
            await Task.WhenAll(users.Select(async user =>
            {
                try
                {
                    await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/after", n), PushOptions.Flushed).WaitAsync(TimeSpan.FromSeconds(2), stop);
                }
                catch (Exception)
                {
                    // The silo that held the grain is going (the next round finds it re-activated),
                    // or the test has what it needs and stopped pushing.
                }
            }).Append(Task.Delay(PushInterval, stop).ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    /// <summary>A browser's way in, through nginx: log in, read the page's CSRF token, open the channel.</summary>
    private static Task<WsClient> ConnectThroughNginxAsync(Uri url, string user)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };

        // Signed in once, as a browser tab is: a reconnect through another front end, after a
        // silo has gone, relies on the session (and the key ring of its cookie) in the cluster.
        string? query = null;
        async Task<string> SignInOnceAsync()
        {
            if (query is null)
            {
                using var login = await http.PostAsync("/login", new FormUrlEncodedContent([new("user-id", user)]));
                login.EnsureSuccessStatusCode();
                var page = await http.GetStringAsync("/");
                var token = CsrfToken().Match(page).Groups[1].Value;
                query = "csrf-token=" + Uri.EscapeDataString(WebUtility.HtmlDecode(token));
            }

            return query;
        }

        var chsk = new UriBuilder(url) { Scheme = "ws", Path = "/chsk" }.Uri;
        return WsClient.ConnectAsync(chsk, reconnect: true, cookies, SignInOnceAsync);
    }

    private static async Task<IHost> StartServiceAsync(LocalCluster cluster)
    {
        var options = new SenteClusterOptions
        {
            Mode = SenteClusterMode.AzureStorage,
            ConnectionString = cluster.Env["SENTE_CLUSTER_CONNECTION"],
            ClusterId = cluster.Env["SENTE_CLUSTER_ID"],
            ServiceId = cluster.Env["SENTE_CLUSTER_SERVICE_ID"],
        };
        var host = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(client => client.UseSenteCluster(options))
            .Build();
        await host.StartAsync().WaitAsync(Timeouts.Start);
        return host;
    }

    /// <summary><c>/health/live</c> and <c>/health/ready</c> answer 200 "Healthy" on every silo and front end.</summary>
    private static async Task CheckOperationsEndpointsAsync(LocalCluster cluster, params string[] processes)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var process in processes)
        {
            foreach (var path in (string[])[SenteOperations.LivePath, SenteOperations.ReadyPath])
            {
                using var response = await http.GetAsync(cluster.Env[process] + path);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
            }
        }
    }

    /// <summary><c>/metrics</c> is Prometheus text with the instruments the operations docs list.</summary>
    private static async Task CheckMetricsAsync(LocalCluster cluster)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var silos = await http.GetStringAsync(cluster.Env["SENTE_CLUSTER_SILO_1"] + SenteOperations.MetricsPath)
            + await http.GetStringAsync(cluster.Env["SENTE_CLUSTER_SILO_2"] + SenteOperations.MetricsPath);
        var frontEnds = await http.GetStringAsync(cluster.Env["SENTE_CLUSTER_FRONT_END_1"] + SenteOperations.MetricsPath)
            + await http.GetStringAsync(cluster.Env["SENTE_CLUSTER_FRONT_END_2"] + SenteOperations.MetricsPath);
        Assert.Contains("sente_pushes_total{", silos);
        Assert.Contains("target=\"user\"", silos);
        Assert.Contains("sente_grain_call_duration_milliseconds_bucket{", silos);
        Assert.Contains("method=\"IUserGrain.Push\"", silos);
        Assert.Contains("sente_presence_transitions_total{", silos);
        Assert.Contains("sente_connections{", frontEnds);
        Assert.Contains("transport=\"ws\"", frontEnds);
        Assert.Contains("sente_deliveries_total", frontEnds);
    }

    /// <summary>
    /// The Orleans Dashboard (on in the local cluster) lists Sente's grains as application grains:
    /// its page labels "System Grain" every grain type whose name starts with <c>Orleans.</c>.
    /// </summary>
    private async Task CheckDashboardAsync(LocalCluster cluster)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        string[] types = [];
        // The dashboard aggregates its counters every second or so: poll until the user grains show.
        while (deadline.Elapsed < Timeouts.Start)
        {
            types = [];
            foreach (var silo in (string[])["SENTE_CLUSTER_SILO_1", "SENTE_CLUSTER_SILO_2"])
            {
                using var counters = JsonDocument.Parse(await http.GetStringAsync(cluster.Env[silo] + "/dashboard/DashboardCounters"));
                types = [.. types, .. counters.RootElement.GetProperty("simpleGrainStats").EnumerateArray().Select(s => s.GetProperty("grainType").GetString()!)];
            }

            if (types.Any(t => t.EndsWith(".UserGrain", StringComparison.Ordinal)))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        output.WriteLine($"dashboard grain types: {string.Join(", ", types.Distinct())}");
        var user = Assert.Single(types.Where(t => t.EndsWith(".UserGrain", StringComparison.Ordinal)).Distinct());
        Assert.Equal("Sente.Grains.UserGrain", user);
        Assert.DoesNotContain(types, t => t.StartsWith("Orleans.Sente", StringComparison.Ordinal));
    }

    [GeneratedRegex("""<meta name="csrf-token" content="([^"]*)">""")]
    private static partial Regex CsrfToken();
}
