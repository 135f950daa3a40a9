using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orleans.Sente.Bench.LoadGen;
using Orleans.Sente.Bench.Processes;
using Orleans.Sente.Bench.Results;
using Orleans.Sente.Bench.Systems;

namespace Orleans.Sente.Bench.Scenarios;

/// <summary>
/// Runs one scenario against one system: start the system, connect the receivers, (make every
/// user a member of the scenario's group,) start the driver, warm up, measure a window (killing a
/// process in S5), drain, collect, stop everything. A connect scenario instead connects warm-up
/// clients, measures the system at idle, then connects the measured clients in the window.
/// </summary>
internal sealed class ScenarioRunner(SystemContext context, Action<string, double> progress)
{
    /// <summary>Clients one receiver process holds, below the per-process open-files limit.</summary>
    public const int ClientsPerReceiver = 18_000;

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeliveryDrain = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan IdleSettle = TimeSpan.FromSeconds(2);

    /// <summary>Making 10,000 users members of a group one call each (every call rewrites the group's stored record).</summary>
    private static readonly TimeSpan GroupSetupTimeout = TimeSpan.FromMinutes(10);

    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private static readonly JsonSerializerOptions CounterJson = new(JsonSerializerDefaults.Web);

    public async Task<RunResult> RunAsync(ISystemUnderTest system, ScenarioSpec spec, CancellationToken ct)
    {
        var loadAverage = ReadLoadAverage();
        var started = new List<ManagedProcess>();
        SystemDeployment? deployment = null;
        try
        {
            progress("starting system", 0.05);
            deployment = await system.StartAsync(context.For(spec), ct);
            if (spec.Kind == ScenarioKind.Connect)
            {
                return await ConnectAsync(system, spec, deployment, started, loadAverage, ct);
            }

            var rssBefore = SystemRss(deployment);

            progress($"connecting {spec.Clients:N0} clients", 0.15);
            var receivers = StartReceivers(system, deployment, spec, ReceiverSet.Measured(spec));
            started.AddRange(receivers);
            var connected = (await Task.WhenAll(receivers.Select(r => r.WaitForPrefixAsync("READY", ConnectTimeout(spec.Clients, 0), ct))))
                .Sum(line => ConnectReport.Parse(line).Connected);

            if (spec.Kind == ScenarioKind.Idle)
            {
                progress("idle", 0.6);
                await Task.Delay(IdleSettle, ct);
                return Idle(system, spec, deployment, receivers, connected, rssBefore, loadAverage);
            }

            var rssConnected = SystemRss(deployment);
            var group = await SetUpGroupAsync(spec, deployment, ct);
            progress("warm-up", 0.3);
            var driver = await StartDriverAsync(deployment, spec, ct);
            started.Add(driver);
            await Task.Delay(spec.Warmup, ct);

            var all = deployment.Processes.Concat(receivers).Append(driver).ToArray();
            await Task.WhenAll(receivers.Append(driver).Select(p => Command(p, "mark", "MARKED", ct)));
            var cpuStart = all.ToDictionary(p => p, p => p.Sample());
            var windowStart = Stopwatch.GetTimestamp();
            var countersStart = await ReadCountersAsync(deployment, ct);
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
            var counted = (await ReadCountersAsync(deployment, ct))?.Minus(countersStart!);
            progress("draining", 0.9);
            var driverReport = Parse<DriverReport>(await Command(driver, "stop", "REPORT", ct));
            await Task.Delay(DeliveryDrain, ct);
            var receiverReport = Merge(await Task.WhenAll(receivers.Select(async r => Parse<ReceiverReport>(await Command(r, "report", "REPORT", ct)))));

            var result = Load(system, spec, deployment, receivers, connected, rssBefore, rssConnected, all, cpuStart, cpuEnd,
                seconds, driverReport, receiverReport, killOffsetMs, loadAverage) with
            {
                GroupMembers = group.Members,
                GroupSetupSeconds = group.Seconds,
                GroupSetupRetries = group.Retries,
                SiloCounts = counted,
                MessagesPerOperation = counted is null ? double.NaN : (double)counted.Messages / Math.Max(1, driverReport.Acked),
                GrainCallsPerOperation = counted is null ? double.NaN : (double)counted.GrainCalls / Math.Max(1, driverReport.Acked),
                GrainCallsPerOperationByMethod = counted?.Calls.ToDictionary(kv => kv.Key, kv => (double)kv.Value / Math.Max(1, driverReport.Acked)),
            };
            return result.Ok && (result.OpenAtEnd < 0 || result.OpenAtEnd >= result.Connected || spec.Kind == ScenarioKind.Kill)
                ? result
                : result with { LogTails = LogTails(deployment.Processes.Concat(started)) };
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new RunResult
            {
                System = system.Name, Scenario = spec.Id, Label = spec.Label, Clients = spec.Clients,
                TargetRate = spec.Rate, LoadAverage = loadAverage, Error = e.Message,
                LogTails = LogTails((deployment?.Processes ?? []).Concat(started)),
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
    /// 20,000 open files here), each taking its share of the set's users from its own offset, and in
    /// a connect scenario its share of the connect rate and concurrency.
    /// </summary>
    private List<ManagedProcess> StartReceivers(ISystemUnderTest system, SystemDeployment deployment, ScenarioSpec spec, ReceiverSet set)
    {
        var count = ReceiversFor(set.Users * spec.ClientsPerUser);
        var receivers = new List<ManagedProcess>(count);
        for (var i = 0; i < count; i++)
        {
            var offset = set.Users * i / count;
            var users = set.Users * (i + 1) / count - offset;
            List<string> args =
            [
                context.Layout.LoadGenDll, "receiver",
                "--urls", string.Join(',', deployment.ClientUrlTemplates),
                "--users", Invariant(users), "--user-offset", Invariant(set.UserOffset + offset), "--clients", Invariant(spec.ClientsPerUser),
                "--protocol", system.ClientProtocol,
                "--source-addresses", Invariant(spec.SourceAddresses),
                "--connect-concurrency", Invariant(set.Split ? Math.Max(1, set.ConnectConcurrency / count) : set.ConnectConcurrency),
            ];
            if (spec.Kind == ScenarioKind.Kill)
            {
                args.Add("--reconnect");
            }

            if (set.AwaitHandshake)
            {
                args.Add("--await-handshake");
            }

            if (set.ConnectRate > 0)
            {
                args.AddRange(["--connect-rate", (set.ConnectRate / count).ToString(CultureInfo.InvariantCulture)]);
            }

            receivers.Add(ManagedProcess.Start(count == 1 ? set.Role : $"{set.Role} {i + 1}", isSystem: false, context.Layout.DotnetHost, args));
        }

        return receivers;
    }

    internal static int ReceiversFor(ScenarioSpec spec) => ReceiversFor(spec.Clients);

    private static int ReceiversFor(int clients) => Math.Max(1, (clients + ClientsPerReceiver - 1) / ClientsPerReceiver);

    /// <summary>
    /// A connect scenario: warm-up clients connect (and stay) and the system settles; it is measured
    /// at idle for <see cref="ScenarioSpec.Measure"/>, then the measured clients connect (at the
    /// scenario's rate, or all at once) in a window that runs on for <see cref="ScenarioSpec.Tail"/>
    /// after the last handshake, then it is measured at idle again for as long. CPU and messages per
    /// connect are the window's less the mean idle rate of the two idle spells over the window's
    /// length (the tiered JIT's background work, still fading after the start, is in both).
    /// </summary>
    private async Task<RunResult> ConnectAsync(ISystemUnderTest system, ScenarioSpec spec, SystemDeployment deployment,
        List<ManagedProcess> started, double loadAverage, CancellationToken ct)
    {
        var rssBefore = SystemRss(deployment);
        if (spec.WarmupUsers > 0)
        {
            progress($"connecting {spec.WarmupUsers * spec.ClientsPerUser:N0} warm-up clients", 0.1);
            var warm = StartReceivers(system, deployment, spec, ReceiverSet.Warmup(spec));
            started.AddRange(warm);
            var warmed = (await Task.WhenAll(warm.Select(r => r.WaitForPrefixAsync("READY", ConnectTimeout(spec.WarmupUsers * spec.ClientsPerUser, 0), ct))))
                .Select(ConnectReport.Parse).ToArray();
            if (warmed.Sum(r => r.Failed) is var failed and > 0)
            {
                throw new InvalidOperationException($"{failed} warm-up clients failed to connect");
            }
        }

        progress("settling", 0.2);
        await Task.Delay(spec.Warmup, ct);

        progress("idle before", 0.3);
        var before = await IdleAsync(deployment, spec.Measure, ct);

        progress($"connecting {spec.Clients:N0} clients", 0.5);
        var window = await Reading.TakeAsync(deployment, ct);
        var receivers = StartReceivers(system, deployment, spec, ReceiverSet.Measured(spec));
        started.AddRange(receivers);
        var reports = (await Task.WhenAll(receivers.Select(r => r.WaitForPrefixAsync("READY", ConnectTimeout(spec.Clients, spec.ConnectRate), ct))))
            .Select(ConnectReport.Parse).ToArray();
        progress("tail", 0.7);
        await Task.Delay(spec.Tail, ct);
        var windowEnd = await Reading.TakeAsync(deployment, ct);

        progress("idle after", 0.8);
        var after = await IdleAsync(deployment, spec.Measure, ct);

        var seconds = windowEnd.SecondsSince(window);
        var connects = reports.Sum(r => r.Connected);
        var perConnect = Math.Max(1, connects);
        var figures = deployment.Processes.Select(p => new ProcessFigures(p.Role, p.IsSystem,
                windowEnd.Cpu[p].CpuSeconds - window.Cpu[p].CpuSeconds, windowEnd.Cpu[p].RssBytes / 1048576.0))
            .Concat(started.Select(p => new ProcessFigures(p.Role, p.IsSystem, 0, p.Sample().RssBytes / 1048576.0)))
            .ToArray();
        var systemCpu = figures.Where(f => f.IsSystem).Sum(f => f.CpuSeconds);
        var idleCores = (before.Cores + after.Cores) / 2;
        var counted = windowEnd.Counters?.Minus(window.Counters!);
        var idleCounted = before.Counters is null ? null : SiloCounters.Sum([before.Counters, after.Counters!]);
        var idleSeconds = before.Seconds + after.Seconds;
        double PerConnect(long inWindow, long atIdle) => (inWindow - atIdle * seconds / idleSeconds) / perConnect;
        var rss = deployment.Processes.Sum(p => p.LastSample.RssBytes);
        var held = connects + spec.WarmupUsers * spec.ClientsPerUser;
        var failedConnects = reports.Sum(r => r.Failed);
        return new RunResult
        {
            System = system.Name, Scenario = spec.Id, Label = spec.Label, Clients = spec.Clients, ClientsPerUser = spec.ClientsPerUser,
            Connected = held, Seconds = seconds, Connects = connects,
            Silos = deployment.Processes.Count(p => p.Role.StartsWith("silo", StringComparison.Ordinal)),
            FrontEnds = deployment.Processes.Count(p => p.Role.StartsWith("front end", StringComparison.Ordinal)),
            ConnectSpanMs = reports.Max(r => r.SpanMs),
            ConnectP50Ms = reports.Max(r => r.P50Ms),
            ConnectP99Ms = reports.Max(r => r.P99Ms),
            ConnectMaxMs = reports.Max(r => r.MaxMs),
            SystemCpuMicrosPerConnect = (systemCpu - idleCores * seconds) * 1e6 / perConnect,
            IdleSystemCores = idleCores,
            SystemCores = systemCpu / seconds,
            SiloCounts = counted,
            MessagesPerOperation = counted is null ? double.NaN : PerConnect(counted.Messages, idleCounted!.Messages),
            GrainCallsPerOperation = counted is null ? double.NaN : PerConnect(counted.GrainCalls, idleCounted!.GrainCalls),
            GrainCallsPerOperationByMethod = counted?.Calls.ToDictionary(kv => kv.Key, kv => PerConnect(kv.Value, idleCounted!.Calls.GetValueOrDefault(kv.Key))),
            SystemKiBPerConnection = rss / 1024.0 / Math.Max(1, held),
            SystemMarginalKiBPerConnection = (rss - rssBefore) / 1024.0 / Math.Max(1, held),
            WholeCpuMicrosPerDelivery = double.NaN,
            LoadAverage = loadAverage,
            Processes = figures,
            Error = connects == 0 ? "no handshakes"
                : connects < spec.Clients ? $"{connects:N0} of {spec.Clients:N0} clients got their handshake ({failedConnects:N0} failed)"
                : null,
            LogTails = connects < spec.Clients ? LogTails(deployment.Processes.Concat(started)) : null,
        };
    }

    /// <summary>Measures the system doing nothing for <paramref name="length"/>: its cores in use and what the silos counted.</summary>
    private static async Task<IdleSpell> IdleAsync(SystemDeployment deployment, TimeSpan length, CancellationToken ct)
    {
        var start = await Reading.TakeAsync(deployment, ct);
        await Task.Delay(length, ct);
        var end = await Reading.TakeAsync(deployment, ct);
        var seconds = end.SecondsSince(start);
        return new IdleSpell(seconds, end.SystemCpuSince(start) / seconds, end.Counters?.Minus(start.Counters!));
    }

    /// <summary>The system's processes' CPU and the silos' counters at one moment.</summary>
    private sealed record Reading(long Timestamp, Dictionary<ManagedProcess, ProcSample> Cpu, SiloCounters? Counters)
    {
        public static async Task<Reading> TakeAsync(SystemDeployment deployment, CancellationToken ct)
        {
            var cpu = deployment.Processes.ToDictionary(p => p, p => p.Sample());
            var timestamp = Stopwatch.GetTimestamp();
            return new Reading(timestamp, cpu, await ReadCountersAsync(deployment, ct));
        }

        public double SecondsSince(Reading earlier) => (Timestamp - earlier.Timestamp) / (double)Stopwatch.Frequency;

        public double SystemCpuSince(Reading earlier) => Cpu.Sum(kv => kv.Value.CpuSeconds - earlier.Cpu[kv.Key].CpuSeconds);
    }

    private sealed record IdleSpell(double Seconds, double Cores, SiloCounters? Counters);

    /// <summary>
    /// S6 on a system that keeps group membership apart from connections (Orleans.Sente): every user
    /// is made a member through the system before the warm-up. A system whose clients join as they
    /// connect (SignalR) has its members already.
    /// </summary>
    private async Task<(int Members, double Seconds, int Retries)> SetUpGroupAsync(ScenarioSpec spec, SystemDeployment deployment, CancellationToken ct)
    {
        if (spec.Group is null)
        {
            return (0, double.NaN, 0);
        }

        if (deployment.GroupSetupUrl is not { } url)
        {
            return (spec.Users, double.NaN, 0);
        }

        progress($"adding {spec.Users:N0} members to {spec.Group}", 0.25);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(GroupSetupTimeout);
        using var response = await Http.PostAsync(url, null, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"adding the group's members failed ({(int)response.StatusCode}): {body.Split('\n')[0]}");
        }

        using var json = JsonDocument.Parse(body);
        var members = json.RootElement.GetProperty("members").GetInt32();
        return members == spec.Users
            ? (members, json.RootElement.GetProperty("seconds").GetDouble(), json.RootElement.GetProperty("retries").GetInt32())
            : throw new InvalidOperationException($"the group has {members} members after adding {spec.Users}");
    }

    private static Dictionary<string, string> LogTails(IEnumerable<ManagedProcess> processes) =>
        processes.GroupBy(p => p.Role).ToDictionary(g => g.Key, g => g.First().Tail());

    /// <summary>The silos' counts summed, or null when the deployment counts nothing.</summary>
    private static async Task<SiloCounters?> ReadCountersAsync(SystemDeployment deployment, CancellationToken ct)
    {
        if (deployment.CounterUrls.Count == 0)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CommandTimeout);
        var readings = await Task.WhenAll(deployment.CounterUrls.Select(async url =>
            JsonSerializer.Deserialize<SiloCounters>(await Http.GetStringAsync(url, timeout.Token), CounterJson)
                ?? throw new InvalidOperationException($"{url} answered nothing")));
        return SiloCounters.Sum(readings);
    }

    /// <summary>
    /// Which users a set of receivers connects, and how. <see cref="Split"/>: the connect rate and
    /// concurrency are the set's, shared by its receivers; otherwise each receiver has the concurrency.
    /// </summary>
    private sealed record ReceiverSet(string Role, int Users, int UserOffset, bool AwaitHandshake, double ConnectRate, int ConnectConcurrency, bool Split)
    {
        /// <summary>The scenario's clients: after the warm-up users, waiting for their handshake in a connect scenario.</summary>
        public static ReceiverSet Measured(ScenarioSpec spec) => spec.Kind == ScenarioKind.Connect
            ? new("receiver", spec.Users, spec.WarmupUsers, AwaitHandshake: true, spec.ConnectRate, spec.ConnectConcurrency, Split: true)
            : new("receiver", spec.Users, 0, AwaitHandshake: false, 0, spec.ConnectConcurrency, Split: false);

        /// <summary>A connect scenario's warm-up users, connected before everything else.</summary>
        public static ReceiverSet Warmup(ScenarioSpec spec) =>
            new("warm-up receiver", spec.WarmupUsers, 0, AwaitHandshake: true, 0, LoadGen.ReceiverOptions.DefaultConnectConcurrency, Split: false);
    }

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
            reports.Min(r => r.MarkTimestamp), reports[0].TimelineBucketMs, timeline,
            reports.SelectMany(r => r.CloseReasons ?? []).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value)));
    }

    private async Task<ManagedProcess> StartDriverAsync(SystemDeployment deployment, ScenarioSpec spec, CancellationToken ct)
    {
        var driver = ManagedProcess.Start("driver", isSystem: false, context.Layout.DotnetHost,
        [
            context.Layout.LoadGenDll, "driver",
            "--url", deployment.PushControlUrl.ToString(),
            "--users", Invariant(spec.Users),
            "--rate", spec.Rate.ToString(CultureInfo.InvariantCulture),
            .. spec.Group is { } group ? ["--target", group] : Array.Empty<string>(),
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
        var lost = Math.Max(0, (driver.Acked - driver.Errors) * spec.DeliveriesPerPush - report.Delivered);
        return new RunResult
        {
            System = system.Name, Scenario = spec.Id, Label = spec.Label, TargetRate = spec.Rate,
            Clients = spec.Clients, ClientsPerUser = spec.ClientsPerUser, DeliveriesPerPush = spec.DeliveriesPerPush, Connected = connected,
            OpenAtEnd = report.Open, CloseReasons = report.CloseReasons is { Count: > 0 } reasons ? reasons : null, Seconds = seconds,
            Silos = deployment.Processes.Count(p => p.Role.StartsWith("silo", StringComparison.Ordinal)),
            FrontEnds = deployment.Processes.Count(p => p.Role.StartsWith("front end", StringComparison.Ordinal)),
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
                spec.Rate * spec.DeliveriesPerPush * report.TimelineBucketMs / 1000) : null,
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

    private TimeSpan ConnectTimeout(int clients, double rate) =>
        context.ReadyTimeout + TimeSpan.FromMilliseconds(clients * 5.0) + (rate > 0 ? TimeSpan.FromSeconds(clients / rate) : TimeSpan.Zero);

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
