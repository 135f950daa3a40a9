using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orleans.Sente.Bench.LoadGen;
using Orleans.Sente.Bench.Processes;
using Orleans.Sente.Bench.Results;
using Orleans.Sente.Bench.Systems;

namespace Orleans.Sente.Bench.Scenarios;

/// <summary>
/// Runs one scenario against one system: start the system, connect the receivers, start the
/// driver, warm up, measure a window (killing a process in S5), drain, collect, stop everything.
/// </summary>
internal sealed class ScenarioRunner(SystemContext context, Action<string, double> progress)
{
    /// <summary>Clients one receiver process holds, below the per-process open-files limit.</summary>
    public const int ClientsPerReceiver = 18_000;

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeliveryDrain = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan IdleSettle = TimeSpan.FromSeconds(2);

    public async Task<RunResult> RunAsync(ISystemUnderTest system, ScenarioSpec spec, CancellationToken ct)
    {
        var loadAverage = ReadLoadAverage();
        var started = new List<ManagedProcess>();
        SystemDeployment? deployment = null;
        try
        {
            progress("starting system", 0.05);
            deployment = await system.StartAsync(context.For(spec.Clients), ct);
            var rssBefore = SystemRss(deployment);

            progress($"connecting {spec.Clients:N0} clients", 0.15);
            var receivers = StartReceivers(system, deployment, spec);
            started.AddRange(receivers);
            var connected = (await Task.WhenAll(receivers.Select(r => r.WaitForPrefixAsync("READY", ConnectTimeout(spec), ct))))
                .Sum(ParseConnected);

            if (spec.Kind == ScenarioKind.Idle)
            {
                progress("idle", 0.6);
                await Task.Delay(IdleSettle, ct);
                return Idle(system, spec, deployment, receivers, connected, rssBefore, loadAverage);
            }

            var rssConnected = SystemRss(deployment);
            progress("warm-up", 0.3);
            var driver = await StartDriverAsync(deployment, spec, ct);
            started.Add(driver);
            await Task.Delay(spec.Warmup, ct);

            var all = deployment.Processes.Concat(receivers).Append(driver).ToArray();
            await Task.WhenAll(receivers.Append(driver).Select(p => Command(p, "mark", "MARKED", ct)));
            var cpuStart = all.ToDictionary(p => p, p => p.Sample());
            var windowStart = Stopwatch.GetTimestamp();
            double? killOffsetMs = null;

            progress("measuring", 0.5);
            if (spec.Kind == ScenarioKind.Kill && deployment.KillTarget is { } victim)
            {
                await Task.Delay(spec.KillAfter, ct);
                killOffsetMs = Stopwatch.GetElapsedTime(windowStart).TotalMilliseconds;
                victim.Kill();
                progress($"killed {victim.Role}", 0.6);
                await Task.Delay(spec.Measure - spec.KillAfter, ct);
            }
            else
            {
                await Task.Delay(spec.Measure, ct);
            }

            var cpuEnd = all.ToDictionary(p => p, p => p.Sample());
            var seconds = Stopwatch.GetElapsedTime(windowStart).TotalSeconds;
            progress("draining", 0.9);
            var driverReport = Parse<DriverReport>(await Command(driver, "stop", "REPORT", ct));
            await Task.Delay(DeliveryDrain, ct);
            var receiverReport = Merge(await Task.WhenAll(receivers.Select(async r => Parse<ReceiverReport>(await Command(r, "report", "REPORT", ct)))));

            return Load(system, spec, deployment, receivers, connected, rssBefore, rssConnected, all, cpuStart, cpuEnd,
                seconds, driverReport, receiverReport, killOffsetMs, loadAverage);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new RunResult
            {
                System = system.Name, Scenario = spec.Id, Label = spec.Label, Clients = spec.Clients,
                TargetRate = spec.Rate, LoadAverage = loadAverage, Error = e.Message,
            };
        }
        finally
        {
            // Clients first, so servers stop without connections to drain.
            await Task.WhenAll(started.Select(p => p.DisposeAsync().AsTask()));
            if (deployment is not null)
            {
                await deployment.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// One receiver process per <see cref="ClientsPerReceiver"/> clients (a process may hold at most
    /// 20,000 open files here), each taking its share of the users from its own offset.
    /// </summary>
    private List<ManagedProcess> StartReceivers(ISystemUnderTest system, SystemDeployment deployment, ScenarioSpec spec)
    {
        var count = ReceiversFor(spec);
        var receivers = new List<ManagedProcess>(count);
        for (var i = 0; i < count; i++)
        {
            var offset = spec.Users * i / count;
            var users = spec.Users * (i + 1) / count - offset;
            List<string> args =
            [
                context.Layout.LoadGenDll, "receiver",
                "--urls", string.Join(',', deployment.ClientUrlTemplates),
                "--users", Invariant(users), "--user-offset", Invariant(offset), "--clients", Invariant(spec.ClientsPerUser),
                "--protocol", system.ClientProtocol,
                "--source-addresses", Invariant(spec.SourceAddresses),
            ];
            if (spec.Kind == ScenarioKind.Kill)
            {
                args.Add("--reconnect");
            }

            receivers.Add(ManagedProcess.Start(count == 1 ? "receiver" : $"receiver {i + 1}", isSystem: false, context.Layout.DotnetHost, args));
        }

        return receivers;
    }

    internal static int ReceiversFor(ScenarioSpec spec) => Math.Max(1, (spec.Clients + ClientsPerReceiver - 1) / ClientsPerReceiver);

    /// <summary>Sums the receivers' counts, merges their histograms and adds their timelines bucket by bucket.</summary>
    internal static ReceiverReport Merge(IReadOnlyList<ReceiverReport> reports)
    {
        if (reports.Count == 1)
        {
            return reports[0];
        }

        var histogram = reports.Select(r => r.Histogram()).Aggregate((a, b) => a.Merge(b));
        var timeline = new long[reports.Max(r => r.Timeline.Length)];
        foreach (var report in reports)
        {
            for (var i = 0; i < report.Timeline.Length; i++)
            {
                timeline[i] += report.Timeline[i];
            }
        }

        return new ReceiverReport(
            reports.Sum(r => r.Delivered), reports.Sum(r => r.NegativeLatencies), reports.Sum(r => r.Open), reports.Sum(r => r.Failed),
            reports.Sum(r => r.Disconnects), reports.Sum(r => r.Reconnects), histogram.Max, histogram.ToSparse(),
            reports.Min(r => r.MarkTimestamp), reports[0].TimelineBucketMs, timeline);
    }

    private async Task<ManagedProcess> StartDriverAsync(SystemDeployment deployment, ScenarioSpec spec, CancellationToken ct)
    {
        var driver = ManagedProcess.Start("driver", isSystem: false, context.Layout.DotnetHost,
        [
            context.Layout.LoadGenDll, "driver",
            "--url", deployment.PushControlUrl.ToString(),
            "--users", Invariant(spec.Users),
            "--rate", spec.Rate.ToString(CultureInfo.InvariantCulture),
        ]);
        await driver.WaitForPrefixAsync("READY", context.ReadyTimeout, ct);
        return driver;
    }

    private static RunResult Idle(ISystemUnderTest system, ScenarioSpec spec, SystemDeployment deployment,
        IReadOnlyList<ManagedProcess> receivers, int connected, long rssBefore, double loadAverage)
    {
        var rss = SystemRss(deployment);
        var receiverRss = receivers.Sum(r => r.Sample().RssBytes);
        var perConnection = Math.Max(1, connected);
        var error = connected < spec.Clients ? $"held {connected:N0} of {spec.Clients:N0}" : null;
        return new RunResult
        {
            System = system.Name, Scenario = spec.Id, Label = spec.Label, Clients = spec.Clients, Connected = connected,
            SystemKiBPerConnection = rss / 1024.0 / perConnection,
            SystemMarginalKiBPerConnection = (rss - rssBefore) / 1024.0 / perConnection,
            ReceiverKiBPerConnection = receiverRss / 1024.0 / perConnection,
            LoadAverage = loadAverage,
            Processes = deployment.Processes.Concat(receivers).Select(p => new ProcessFigures(p.Role, p.IsSystem, 0, p.LastSample.RssBytes / 1048576.0)).ToArray(),
            Error = error,
        };
    }

    private static RunResult Load(ISystemUnderTest system, ScenarioSpec spec, SystemDeployment deployment,
        IReadOnlyList<ManagedProcess> receivers, int connected, long rssBefore, long rssConnected, ManagedProcess[] all,
        Dictionary<ManagedProcess, ProcSample> cpuStart, Dictionary<ManagedProcess, ProcSample> cpuEnd,
        double seconds, DriverReport driver, ReceiverReport report, double? killOffsetMs, double loadAverage)
    {
        var histogram = report.Histogram();
        var figures = all.Select(p => new ProcessFigures(p.Role, p.IsSystem,
            cpuEnd[p].CpuSeconds - cpuStart[p].CpuSeconds, cpuEnd[p].RssBytes / 1048576.0)).ToArray();
        var deliveries = Math.Max(1, report.Delivered);
        var systemCpu = figures.Where(f => f.IsSystem).Sum(f => f.CpuSeconds);
        var rssEnd = deployment.Processes.Sum(p => p.LastSample.RssBytes);
        var perConnection = Math.Max(1, connected);
        var lost = Math.Max(0, (driver.Acked - driver.Errors) * spec.ClientsPerUser - report.Delivered);
        return new RunResult
        {
            System = system.Name, Scenario = spec.Id, Label = spec.Label, TargetRate = spec.Rate,
            Clients = spec.Clients, ClientsPerUser = spec.ClientsPerUser, Connected = connected, Seconds = seconds,
            PushesAcked = driver.Acked, Deliveries = report.Delivered,
            DeliveriesPerSecond = report.Delivered / seconds,
            Lost = lost, DriverErrors = driver.Errors,
            P50Ms = histogram.ValueAtQuantile(0.50) / 1000.0,
            P90Ms = histogram.ValueAtQuantile(0.90) / 1000.0,
            P99Ms = histogram.ValueAtQuantile(0.99) / 1000.0,
            MaxMs = histogram.Max / 1000.0,
            NegativeLatencies = report.NegativeLatencies,
            SystemCpuMicrosPerDelivery = systemCpu * 1e6 / deliveries,
            WholeCpuMicrosPerDelivery = figures.Sum(f => f.CpuSeconds) * 1e6 / deliveries,
            SystemCores = systemCpu / seconds,
            SystemKiBPerConnection = rssEnd / 1024.0 / perConnection,
            SystemMarginalKiBPerConnection = (rssConnected - rssBefore) / 1024.0 / perConnection,
            ReceiverKiBPerConnection = receivers.Sum(r => r.LastSample.RssBytes) / 1024.0 / perConnection,
            ResumeMs = killOffsetMs is { } kill ? RecoveryAnalysis.ResumeMs(report.Timeline, report.TimelineBucketMs, kill, seconds * 1000,
                spec.Rate * spec.ClientsPerUser * report.TimelineBucketMs / 1000) : null,
            Disconnects = report.Disconnects, Reconnects = report.Reconnects,
            LoadAverage = loadAverage, Processes = figures,
            // Under a kill, refused pushes are the system telling their sender (reported, not a failure).
            Error = report.Delivered == 0 ? "no deliveries"
                : driver.Errors > 0 && spec.Kind != ScenarioKind.Kill ? $"{driver.Errors} push errors: {driver.LastError}"
                : null,
        };
    }

    private static async Task<string> Command(ManagedProcess process, string command, string replyPrefix, CancellationToken ct)
    {
        await process.SendLineAsync(command);
        return await process.WaitForPrefixAsync(replyPrefix, CommandTimeout, ct);
    }

    private static T Parse<T>(string reportLine) =>
        JsonSerializer.Deserialize<T>(reportLine["REPORT ".Length..]) ?? throw new InvalidOperationException("Empty report.");

    private static int ParseConnected(string readyLine)
    {
        // READY connected=N failed=M
        var field = readyLine.Split(' ').First(f => f.StartsWith("connected=", StringComparison.Ordinal));
        return int.Parse(field["connected=".Length..], CultureInfo.InvariantCulture);
    }

    private TimeSpan ConnectTimeout(ScenarioSpec spec) => context.ReadyTimeout + TimeSpan.FromMilliseconds(spec.Clients * 5.0);

    private static long SystemRss(SystemDeployment deployment) => deployment.Processes.Sum(p => p.Sample().RssBytes);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static double ReadLoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return double.NaN;
        }
    }
}
