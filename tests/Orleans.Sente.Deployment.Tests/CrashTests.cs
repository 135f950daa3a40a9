using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Sente.Client;
using Orleans.Sente.Deployment.Tests.Infrastructure;
using Orleans.Sente.Hosting;
using Orleans.Sente.Protocol;
using Xunit.Abstractions;

namespace Orleans.Sente.Deployment.Tests;

/// <summary>
/// One local cluster (<c>scripts/cluster.sh</c>: Azurite, two silo processes, two front-end
/// processes, nginx round-robin) for the crash tests, with an Orleans client that pushes. Each
/// test brings back what it broke, so the next finds the whole cluster.
/// </summary>
public sealed class CrashClusterFixture : IAsyncLifetime
{
    /// <summary>A push call that gets no answer fails after this (Orleans' default is 30 s): a refused push, not a stalled stream.</summary>
    internal static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(5);

    internal LocalCluster Cluster { get; private set; } = null!;

    internal IHost Service { get; private set; } = null!;

    internal IClusterClient Grains => Service.Services.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        Cluster = await LocalCluster.StartAsync();
        var options = new SenteClusterOptions
        {
            Mode = SenteClusterMode.AzureStorage,
            ConnectionString = Cluster.Env["SENTE_CLUSTER_CONNECTION"],
            ClusterId = Cluster.Env["SENTE_CLUSTER_ID"],
            ServiceId = Cluster.Env["SENTE_CLUSTER_SERVICE_ID"],
        };
        Service = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Error))
            .ConfigureServices(s => s.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout))
            .UseOrleansClient(client => client.UseSenteCluster(options))
            .Build();
        await Service.StartAsync().WaitAsync(Timeouts.Start);
    }

    public async Task DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.StopAsync(TimeSpan.FromSeconds(10));
            Service.Dispose();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>
/// Crashes under a stream of numbered pushes, on the multi-process cluster behind nginx. Each
/// test connects users whose two clients (the project's <see cref="SenteClient"/>, which sends
/// its resume mark when it reconnects) sit on both front ends, streams numbered pushes to every
/// user from a separate Orleans client, breaks one process, brings it back, and counts per
/// client, among the pushes the cluster acknowledged (<c>PushAsync</c> returned), those lost,
/// duplicated and out of order: none of each. Pushes whose call failed are refused, counted
/// apart. In the front-end kill each user also has a plain Sente client, held to what the README
/// promises it: none lost or out of order, repeats only of what its replay window re-sent. The figures (and the time until deliveries resumed) go to the test output and to
/// <c>crash-figures.md</c> beside the test assembly (or <c>SENTE_CRASH_FIGURES</c>).
/// </summary>
public sealed partial class CrashTests(CrashClusterFixture fixture, ITestOutputHelper output) : IClassFixture<CrashClusterFixture>
{
    private const int Users = 6;

    /// <summary>The workload: each user gets a push this often (60 pushes/s in all), one call at a time.</summary>
    private static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>A push call is refused after this at the latest (the client's response timeout ends it before).</summary>
    private static readonly TimeSpan PushBound = TimeSpan.FromSeconds(10);

    /// <summary>The bound on deliveries resuming after a fault or a restore: generous, the machine is small and shared.</summary>
    private static readonly TimeSpan ResumeBound = TimeSpan.FromSeconds(90);

    /// <summary>The bound on every client receiving the last acknowledged push once the stream stopped.</summary>
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(30);

    /// <summary>Stream kept up after deliveries resumed from the restore: pushes to the cluster made whole again.</summary>
    private static readonly TimeSpan AfterRestore = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan SiloPause = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StoragePause = TimeSpan.FromSeconds(20);

    private LocalCluster Cluster => fixture.Cluster;

    private IClusterClient Grains => fixture.Grains;

    [Fact]
    public Task A_silo_killed_with_SIGKILL_loses_duplicates_and_reorders_no_acknowledged_push() =>
        RunAsync("silo SIGKILL", async run =>
        {
            var silo = await run.BusiestSiloAsync();
            run.FaultStarts($"SIGKILL {silo}");
            await Cluster.KillAsync(silo);
            await run.ResumedAsync(run.MarksAtFault, "after the kill");
            await Cluster.RestartOneAsync(silo);
            run.Restored($"{silo} started again");
        });

    /// <summary>
    /// Each user also has a plain Sente client (raw WebSocket, JSON packer, no <c>resume=</c>, the
    /// same client-id on every connection): what the README promises it is checked beside the
    /// resume-mark clients' exactness (see <see cref="CrashRun.ConnectAsync"/>).
    /// </summary>
    [Fact]
    public Task A_front_end_killed_with_SIGKILL_loses_duplicates_and_reorders_no_acknowledged_push_its_clients_reconnecting_through_nginx() =>
        RunAsync("front end SIGKILL", plainClients: true, async run =>
        {
            run.FaultStarts("SIGKILL front-end-1");
            await Cluster.KillAsync("front-end-1");
            await run.ResumedAsync(run.MarksAtFault, "after the kill");
            await Cluster.RestartOneAsync("front-end-1");
            run.Restored("front-end-1 started again, nginx reloaded");

            // The killed front end held clients, which reconnected through nginx; the other's did not.
            Assert.Contains(run.Clients, c => c.Receiver.Closes > 0);
            Assert.Contains(run.Clients, c => c.Receiver.Closes == 0);
            Assert.Contains(run.Clients, c => c.Plain && c.Receiver.Closes > 0);
        });

    [Fact]
    public Task A_silo_stopped_with_SIGSTOP_for_15_s_loses_duplicates_and_reorders_no_acknowledged_push() =>
        RunAsync("silo SIGSTOP 15 s", async run =>
        {
            var silo = await run.BusiestSiloAsync();
            run.FaultStarts($"SIGSTOP {silo}");
            await Cluster.PauseAsync(silo);
            try
            {
                // How long the silo stays frozen: the fault itself, the stream runs meanwhile.
                await Task.Delay(SiloPause);
            }
            finally
            {
                await Cluster.ResumeAsync(silo);
            }

            run.Restored($"SIGCONT {silo}");
            await run.ResumedAsync(run.MarksAtFault, "after SIGCONT");
            await BringBackSiloAsync(run, silo);
        });

    [Fact]
    public Task Azure_storage_stopped_with_SIGSTOP_for_20_s_loses_duplicates_and_reorders_no_acknowledged_push() =>
        RunAsync("storage SIGSTOP 20 s", async run =>
        {
            run.FaultStarts("SIGSTOP azurite");
            await Cluster.PauseAsync("azurite");
            try
            {
                await Task.Delay(StoragePause);
            }
            finally
            {
                await Cluster.ResumeAsync("azurite");
            }

            run.Restored("SIGCONT azurite");
            await run.ResumedAsync(run.MarksAtFault, "after SIGCONT");
        });

    [Fact]
    public Task Azure_storage_killed_with_SIGKILL_down_20_s_then_started_again_loses_duplicates_and_reorders_no_acknowledged_push() =>
        RunAsync("storage SIGKILL, down 20 s", async run =>
        {
            run.FaultStarts("SIGKILL azurite");
            await Cluster.KillAsync("azurite");
            await run.ResumedAsync(run.MarksAtFault, "with storage down");

            // How long storage stays down: the fault itself, the stream runs meanwhile.
            await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (StoragePause - run.SinceFault).Ticks)));
            await Cluster.RestartOneAsync("azurite");
            run.Restored("azurite started again (same ports, same data folder)");
        });

    /// <summary>
    /// A silo frozen longer than its probes allow may have been declared dead meanwhile; it then
    /// ends itself when it runs again. Waits (bounded) until it is either active in the
    /// membership or gone, and starts a new one when it is gone.
    /// </summary>
    private async Task BringBackSiloAsync(CrashRun run, string silo)
    {
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var deadline = Stopwatch.StartNew();
        while (await Cluster.IsRunningAsync(silo))
        {
            var port = int.Parse(Cluster.Env[SiloPortKey(silo)], System.Globalization.CultureInfo.InvariantCulture);
            var hosts = await management.GetHosts(onlyActive: true).WaitAsync(Timeouts.Frame);
            if (hosts.Any(h => h.Key.Endpoint.Port == port && h.Value == SiloStatus.Active))
            {
                run.Note($"{silo} active again after SIGCONT");
                return;
            }

            Assert.True(deadline.Elapsed < ResumeBound, $"{silo} neither active nor gone {ResumeBound.TotalSeconds} s after SIGCONT");
            await Task.Delay(Timeouts.Poll);
        }

        run.Note($"{silo} was declared dead and ended itself after SIGCONT");
        await Cluster.RestartOneAsync(silo);
        run.Note($"{silo} started again");
    }

    private static string SiloPortKey(string silo) => $"SENTE_CLUSTER_SILO_{silo[^1]}_PORT";

    private Task RunAsync(string scenario, Func<CrashRun, Task> fault) => RunAsync(scenario, plainClients: false, fault);

    private async Task RunAsync(string scenario, bool plainClients, Func<CrashRun, Task> fault)
    {
        await EnsureWholeAsync();
        await using var run = new CrashRun(this, scenario);
        await run.ConnectAsync(plainClients);
        output.WriteLine($"{scenario}: {Users} users, {run.Clients.Count} clients; ws connections per front end: {await run.ConnectionsPerFrontEndAsync()}");
        run.StartStream();
        await run.ResumedAsync(run.Users.ToDictionary(u => u, _ => 10L), "warm-up (10 pushes each)");
        try
        {
            await fault(run);
            await run.ResumedAsync(run.MarksAtRestore, "after the restore");
            await Task.Delay(AfterRestore);
        }
        finally
        {
            await run.StopStreamAsync();
        }

        await run.DrainAsync();
        var figures = run.Figures();
        foreach (var line in run.Notes)
        {
            output.WriteLine(line);
        }

        output.WriteLine(figures.Detail);
        output.WriteLine(figures.Row);
        var file = Environment.GetEnvironmentVariable("SENTE_CRASH_FIGURES") is { Length: > 0 } f ? f : Path.Combine(AppContext.BaseDirectory, "crash-figures.md");
        await File.AppendAllTextAsync(file, $"{figures.Row}\n");
        output.WriteLine($"(row appended to {file})");

        Assert.True(figures.Lost == 0 && figures.Duplicated == 0 && figures.Reordered == 0, $"{scenario}: {figures.Detail}");
        Assert.True(figures.PlainUnexplained == 0, $"{scenario}: plain clients saw pushes twice that no replay window re-sent: {figures.Detail}");
        Assert.True(figures.Acknowledged > 0, $"{scenario}: nothing acknowledged");
    }

    /// <summary>Every process of the cluster runs (a test that failed half-way may have left one dead).</summary>
    private async Task EnsureWholeAsync()
    {
        foreach (var name in (string[])["azurite", "silo-1", "silo-2", "front-end-1", "front-end-2"])
        {
            if (!await Cluster.IsRunningAsync(name))
            {
                output.WriteLine($"{name} was not running: started again");
                await Cluster.RestartOneAsync(name);
            }
        }
    }

    /// <summary>One scenario: its users and clients, the stream, the marks and the figures.</summary>
    private sealed partial class CrashRun(CrashTests test, string scenario) : IAsyncDisposable
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly CancellationTokenSource _stop = new();
        private readonly Dictionary<string, UserStream> _streams = new(StringComparer.Ordinal);
        private readonly List<string> _notes = [];
        private readonly List<Task> _pumps = [];
        private Task _producers = Task.CompletedTask;
        private TimeSpan _faultAt;
        private TimeSpan _restoredAt;

        public string[] Users { get; } = Enumerable.Range(1, CrashTests.Users)
            .Select(i => $"crash{i}-{Guid.NewGuid():N}"[..16]).ToArray();

        public List<CrashClient> Clients { get; } = [];

        public IReadOnlyDictionary<string, long> MarksAtFault { get; private set; } = new Dictionary<string, long>();

        public IReadOnlyDictionary<string, long> MarksAtRestore { get; private set; } = new Dictionary<string, long>();

        public IEnumerable<string> Notes => _notes;

        private LocalCluster Cluster => test.Cluster;

        public void Note(string text) => _notes.Add($"  {_clock.Elapsed.TotalSeconds,6:F1} s  {text}");

        /// <summary>
        /// Signs each user in once through nginx (as a browser does) and opens two clients with
        /// its cookie and CSRF token; nginx's round-robin puts them on both front ends. With
        /// <paramref name="plainClients"/> a third, plain one per user (as an unmodified Sente client
        /// connects: no resume mark, reconnecting with its client-id), which nginx puts on the
        /// front ends by turns too (five requests per user: the users alternate).
        /// </summary>
        public async Task ConnectAsync(bool plainClients)
        {
            var chsk = new Uri(Cluster.Url, "/chsk");
            foreach (var user in Users)
            {
                var cookies = new CookieContainer();
                string token;
                using (var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = Cluster.Url, Timeout = TimeSpan.FromSeconds(10) })
                {
                    using var login = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent([new("user-id", user)]) };
                    login.Headers.Add("Origin", Cluster.Url.GetLeftPart(UriPartial.Authority));
                    using var signedIn = await http.SendAsync(login);
                    signedIn.EnsureSuccessStatusCode();
                    token = WebUtility.HtmlDecode(CsrfToken().Match(await http.GetStringAsync("/")).Groups[1].Value);
                }

                _streams[user] = new UserStream(user);
                for (var i = 1; i <= 2; i++)
                {
                    var receiver = new Receiver(_clock);
                    var client = new SenteClient(new SenteClientOptions
                    {
                        Uri = chsk,
                        Transport = SenteClientTransport.WebSocket,
                        Cookies = cookies,
                        CsrfToken = token,
                        ReconnectPolicy = new ExponentialBackoffReconnectPolicy(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)),
                        EventBufferCapacity = 0,
                    });
                    client.On(PushEvent, e =>
                    {
                        receiver.Add(e.Data?.AsInt64() ?? -1);
                        return Task.CompletedTask;
                    });
                    client.StateChanged += (_, change) =>
                    {
                        if (change.OldState.Open && !change.NewState.Open)
                        {
                            receiver.Closed();
                        }
                    };
                    Clients.Add(new CrashClient(user, i, client, receiver));
                    await client.ConnectAsync().WaitAsync(Timeouts.Start);
                    Assert.Equal(user, client.State.UserId);
                }

                if (plainClients)
                {
                    var receiver = new Receiver(_clock);
                    var csrf = "csrf-token=" + Uri.EscapeDataString(token);
                    var ws = new UriBuilder(chsk) { Scheme = "ws" }.Uri;
                    var plain = await WsClient.ConnectAsync(ws, reconnect: true, cookies, () => Task.FromResult(csrf), receiver.Closed);
                    Clients.Add(new CrashClient(user, 3, plain, receiver, Plain: true));
                    _pumps.Add(Task.Run(async () =>
                    {
                        // [":test/crash-push" n]: JSON, the packer a plain client asked for.
                        await foreach (var e in plain.Events.ReadAllAsync())
                        {
                            receiver.Add(e[1].GetInt64());
                        }
                    }));
                    Assert.Equal(user, plain.Uid);
                }
            }
        }

        /// <summary>Open WebSocket connections per front end, from their <c>/metrics</c>.</summary>
        public async Task<string> ConnectionsPerFrontEndAsync()
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var counts = new List<string>();
            foreach (var frontEnd in (string[])["SENTE_CLUSTER_FRONT_END_1", "SENTE_CLUSTER_FRONT_END_2"])
            {
                var metrics = await http.GetStringAsync(Cluster.Env[frontEnd] + SenteOperations.MetricsPath);
                var open = metrics.Split('\n')
                    .Where(l => l.StartsWith("sente_connections{", StringComparison.Ordinal) && l.Contains("transport=\"ws\"", StringComparison.Ordinal))
                    .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
                counts.Add($"{frontEnd[^1]}: {open}");
                Assert.True(open > 0, $"no client on front end {frontEnd[^1]}");
            }

            return string.Join(", ", counts);
        }

        /// <summary>The silo that holds most of this run's user grains (read from the management grain).</summary>
        public async Task<string> BusiestSiloAsync()
        {
            var ids = Users.Select(u => test.Grains.GetUserGrain(u).GetGrainId()).ToHashSet();
            var stats = await test.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics().WaitAsync(Timeouts.Frame);
            var perPort = stats.Where(s => ids.Contains(s.GrainId)).GroupBy(s => s.SiloAddress.Endpoint.Port).ToDictionary(g => g.Key, g => g.Count());
            var silos = (string[])["silo-1", "silo-2"];
            var held = silos.ToDictionary(s => s, s => perPort.GetValueOrDefault(int.Parse(Cluster.Env[SiloPortKey(s)], System.Globalization.CultureInfo.InvariantCulture)));
            var busiest = held.MaxBy(p => p.Value).Key;
            Note($"user grains per silo: {string.Join(", ", held.Select(p => $"{p.Key} {p.Value}"))}");
            Assert.True(held[busiest] > 0, "no user grain of this run found on a silo");
            return busiest;
        }

        public void StartStream()
        {
            var grains = test.Grains;
            _producers = Task.WhenAll(_streams.Values.Select(s => Task.Run(() => s.ProduceAsync(grains, _clock, _stop.Token))));
            Note("stream started");
        }

        public async Task StopStreamAsync()
        {
            await _stop.CancelAsync();
            await _producers;
            Note("stream stopped");
        }

        public void FaultStarts(string what)
        {
            MarksAtFault = Marks();
            _faultAt = _clock.Elapsed;
            Note(what);
        }

        /// <summary>Time since <see cref="FaultStarts"/>.</summary>
        public TimeSpan SinceFault => _clock.Elapsed - _faultAt;

        public void Restored(string what)
        {
            MarksAtRestore = Marks();
            _restoredAt = _clock.Elapsed;
            Note(what);
        }

        /// <summary>
        /// Waits until every client has received a push its user was sent after <paramref name="marks"/>
        /// (the last number sent to each user at some moment): deliveries have resumed for all.
        /// </summary>
        public async Task ResumedAsync(IReadOnlyDictionary<string, long> marks, string what)
        {
            var waits = Clients.Select(c => c.Receiver.WhenAbove(marks[c.User])).ToArray();
            try
            {
                await Task.WhenAll(waits).WaitAsync(ResumeBound);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{scenario}: deliveries did not resume {what} within {ResumeBound.TotalSeconds} s; "
                    + $"waiting: {string.Join(", ", Clients.Where((_, i) => !waits[i].IsCompleted).Select(c => c.Name))}\n{string.Join("\n", _notes)}");
            }

            Note($"deliveries resumed {what} for every client");
        }

        /// <summary>Waits until every client has the last push its user's call acknowledged (bounded: a lost last push fails below).</summary>
        public async Task DrainAsync()
        {
            var waits = Clients.Select(c => c.Receiver.WhenAbove(_streams[c.User].LastAcknowledged - 1)).ToArray();
            var all = Task.WhenAll(waits);
            var finished = await Task.WhenAny(all, Task.Delay(DrainBound));
            Note(finished == all
                ? "every client has its user's last acknowledged push"
                : $"after {DrainBound.TotalSeconds} s some clients still miss their user's last acknowledged push");
        }

        public Figures Figures() => Compute();

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await StopStreamAsync();
            }

            foreach (var client in Clients)
            {
                await client.Client.DisposeAsync();
            }

            await Task.WhenAll(_pumps).WaitAsync(Timeouts.Frame);

            _stop.Dispose();
        }

        private Dictionary<string, long> Marks() => _streams.ToDictionary(p => p.Key, p => p.Value.Attempted);
    }

    /// <summary>The numbered pushes' event; <c>test/</c>, which the plain client (<see cref="WsClient"/>) hands out.</summary>
    private const string PushEvent = "test/crash-push";

    /// <summary>One client of a user: a <see cref="SenteClient"/> with resume marks, or a plain one (<see cref="WsClient"/>).</summary>
    private sealed record CrashClient(string User, int Index, IAsyncDisposable Client, Receiver Receiver, bool Plain = false)
    {
        public string Name => Plain ? $"{User}#plain" : $"{User}#{Index}";
    }

    [GeneratedRegex("""<meta name="csrf-token" content="([^"]*)">""")]
    private static partial Regex CsrfToken();
}
