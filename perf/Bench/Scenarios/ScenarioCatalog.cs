namespace Orleans.Sente.Bench.Scenarios;

/// <summary>S1-S5 (PERF-ANCHORS' setup) and S6-S10 at full size, or at smoke size.</summary>
internal static class ScenarioCatalog
{
    /// <summary>
    /// Idle clients in S4 unless <c>--idle-clients</c> says otherwise (the design target is 100,000).
    /// This machine caps a process at 20,000 open files (the hard limit cannot be raised without
    /// CAP_SYS_RESOURCE): the receivers split beyond 18,000 clients, but a single-server baseline
    /// cannot, so the default stays below the cap and runs every system at the same size.
    /// </summary>
    public const int DefaultIdleClients = 15_000;

    /// <summary>S6's deliveries per second (pushes per second times the group's clients) unless <c>--group-deliveries</c> says otherwise.</summary>
    public const int DefaultGroupDeliveries = 40_000;

    /// <summary>The group of S6 (a valid group name for Orleans.Sente and SignalR).</summary>
    public const string GroupName = "bench-room";

    /// <summary>Clients per source address, well under the ~28k ephemeral ports of one address.</summary>
    private const int ClientsPerSourceAddress = 10_000;

    private static readonly IReadOnlyList<string> SenteSystems = ["sente", "sente-flush"];
    private static readonly IReadOnlyList<string> GroupSystems = ["signalr-redis", "sente", "sente-flush"];
    private static readonly IReadOnlyList<string> StormSystems = ["signalr-redis", "sente"];

    /// <summary>S9's front-end counts unless <c>--front-ends</c> says otherwise.</summary>
    public static IReadOnlyList<int> DefaultFrontEndCounts { get; } = [2, 8, 32];

    public static IReadOnlyList<string> AllIds { get; } = ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10"];

    /// <summary>What runs without <c>--scenarios</c>: the comparison with the baselines (S6-S10 are asked for by name).</summary>
    public static IReadOnlyList<string> DefaultIds { get; } = ["S1", "S2", "S3", "S4", "S5"];

    /// <summary>What <c>--smoke</c> runs unless <c>--scenarios</c> is given: load, idle and kill machinery, under a minute.</summary>
    public static IReadOnlyList<string> SmokeIds { get; } = ["S1", "S4", "S5"];

    public static IReadOnlyList<ScenarioSpec> Build(BenchOptions options) =>
        options.Scenarios.SelectMany(id => options.Smoke ? Smoke(id, options) : Full(id, options)).ToArray();

    private static IEnumerable<ScenarioSpec> Full(string id, BenchOptions o)
    {
        var warmup = TimeSpan.FromSeconds(o.WarmupSeconds ?? 10);
        var measure = TimeSpan.FromSeconds(o.MeasureSeconds ?? 20);
        var idle = o.IdleClients ?? DefaultIdleClients;

        // Connect scenarios: the pause after the warm-up clients (the JIT's background work fading
        // after the start) and each of the two idle spells around the window.
        var settle = TimeSpan.FromSeconds(o.WarmupSeconds ?? 30);
        var baseline = TimeSpan.FromSeconds(10);
        return id switch
        {
            "S1" => [new("S1", "S1 saturated, 2000 clients", ScenarioKind.Load, 1000, 2, 0, 1, warmup, measure, TimeSpan.Zero)],
            "S2" =>
            [
                new("S2", "S2 paced 1000/s, 2000 clients", ScenarioKind.Load, 1000, 2, 1000, 1, warmup, measure, TimeSpan.Zero),
                new("S2", "S2 paced 2500/s, 2000 clients", ScenarioKind.Load, 1000, 2, 2500, 1, warmup, measure, TimeSpan.Zero),
            ],
            "S3" => [new("S3", "S3 saturated, 10,000 clients", ScenarioKind.Load, 5000, 2, 0, 2, warmup, measure, TimeSpan.Zero)],
            "S4" => [new("S4", $"S4 idle, {idle:N0} clients", ScenarioKind.Idle, idle / 2, 2, 0, SourceAddressesFor(idle), TimeSpan.FromSeconds(2), TimeSpan.Zero, TimeSpan.Zero)],
            "S5" => [new("S5", "S5 paced 1000/s, server B killed", ScenarioKind.Kill, 1000, 2, 1000, 1, warmup, measure, measure / 4)],
            "S6" => [Group(1_000, o.GroupDeliveries ?? DefaultGroupDeliveries, warmup, measure), Group(10_000, o.GroupDeliveries ?? DefaultGroupDeliveries, warmup, measure)],
            "S7" =>
            [
                Producer(PushProducer.Gateway, "S7 saturated, 2000 clients, pushes from the gateway (Orleans client)", 1000, warmup, measure),
                Producer(PushProducer.Grain, "S7 saturated, 2000 clients, pushes from a grain in the silos", 1000, warmup, measure),
            ],
            "S8" => [ScaleOut(2, 1000, warmup, measure), ScaleOut(4, 1000, warmup, measure)],
            "S9" => (o.FrontEndCounts ?? DefaultFrontEndCounts).Select(f => Connects(f, 2000, 500, 100, settle, baseline)).ToArray(),
            "S10" => [Storm(5000, 500, settle, baseline)],
            _ => throw new ArgumentException($"Unknown scenario '{id}'."),
        };
    }

    private static IEnumerable<ScenarioSpec> Smoke(string id, BenchOptions o)
    {
        var warmup = TimeSpan.FromSeconds(o.WarmupSeconds ?? 1);
        var measure = TimeSpan.FromSeconds(o.MeasureSeconds ?? 2);
        var baseline = TimeSpan.FromSeconds(1);
        var tail = TimeSpan.FromMilliseconds(500);
        return id switch
        {
            "S1" => [new("S1", "S1 saturated (smoke)", ScenarioKind.Load, 20, 2, 0, 1, warmup, measure, TimeSpan.Zero)],
            "S2" => [new("S2", "S2 paced 200/s (smoke)", ScenarioKind.Load, 20, 2, 200, 1, warmup, measure, TimeSpan.Zero)],
            "S3" => [new("S3", "S3 saturated, 4 source addresses (smoke)", ScenarioKind.Load, 50, 2, 0, 4, warmup, measure, TimeSpan.Zero)],
            "S4" => [new("S4", "S4 idle (smoke)", ScenarioKind.Idle, 100, 2, 0, 2, TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.Zero)],
            "S5" => [new("S5", "S5 paced 200/s, server B killed (smoke)", ScenarioKind.Kill, 20, 2, 200, 1, warmup, measure * 2, measure / 2)],
            "S6" => [Group(10, 1000, warmup, measure) with { Label = "S6 group of 10 users, 50 pushes/s (smoke)" }],
            // The gateway's pushes are S1's; the smoke covers the producer grain and the 4 + 4 deployment.
            "S7" => [Producer(PushProducer.Grain, "S7 saturated, pushes from a grain in the silos (smoke)", 20, warmup, measure)],
            "S8" => [ScaleOut(4, 20, warmup, measure) with { Label = "S8 saturated, 4 silos + 4 front ends (smoke)" }],
            "S9" => [Connects(3, 20, 4, 40, warmup, baseline) with { Label = "S9 connects, 3 front ends (smoke)", Tail = tail }],
            "S10" => [Storm(100, 4, warmup, baseline) with { Label = "S10 connect storm, 200 clients at once (smoke)", Tail = tail }],
            _ => throw new ArgumentException($"Unknown scenario '{id}'."),
        };
    }

    /// <summary>S6: every push goes to one group of <paramref name="users"/> users (2 clients each), paced to <paramref name="deliveries"/> deliveries per second.</summary>
    private static ScenarioSpec Group(int users, int deliveries, TimeSpan warmup, TimeSpan measure)
    {
        var clients = users * 2;
        var rate = (double)deliveries / clients;
        return new ScenarioSpec("S6", $"S6 group of {users:N0} users ({clients:N0} clients), {rate:0.##} pushes/s", ScenarioKind.Load,
            users, 2, rate, SourceAddressesFor(clients), warmup, measure, TimeSpan.Zero)
        {
            Systems = GroupSystems, Group = GroupName,
        };
    }

    /// <summary>S7: S1's saturated load, pushed by the gateway or by a grain in the silos; messages counted.</summary>
    private static ScenarioSpec Producer(PushProducer producer, string label, int users, TimeSpan warmup, TimeSpan measure) =>
        new("S7", label, ScenarioKind.Load, users, 2, 0, 1, warmup, measure, TimeSpan.Zero)
        {
            Systems = SenteSystems, Producer = producer, CountMessages = true,
        };

    /// <summary>S8: S1's saturated load on <paramref name="nodes"/> silos and as many front ends; messages counted.</summary>
    private static ScenarioSpec ScaleOut(int nodes, int users, TimeSpan warmup, TimeSpan measure) =>
        new("S8", $"S8 saturated, 2000 clients, {nodes} silos + {nodes} front ends", ScenarioKind.Load, users, 2, 0, 1, warmup, measure, TimeSpan.Zero)
        {
            Systems = SenteSystems, Silos = nodes, FrontEnds = nodes, CountMessages = true,
        };

    /// <summary>S9: users (one client each) coming online at a steady rate, with <paramref name="frontEnds"/> front ends.</summary>
    private static ScenarioSpec Connects(int frontEnds, int users, int warmupUsers, double rate, TimeSpan settle, TimeSpan baseline) =>
        new("S9", $"S9 connects, {frontEnds} front ends", ScenarioKind.Connect, users, 1, 0, 1, settle, baseline, TimeSpan.Zero)
        {
            Systems = ["sente"], FrontEnds = frontEnds, WarmupUsers = warmupUsers, ConnectRate = rate, CountMessages = true,
        };

    /// <summary>S10: every client of <paramref name="users"/> users (2 each) connecting at once.</summary>
    private static ScenarioSpec Storm(int users, int warmupUsers, TimeSpan settle, TimeSpan baseline) =>
        new("S10", $"S10 connect storm, {users * 2:N0} clients at once", ScenarioKind.Connect, users, 2, 0, SourceAddressesFor(users * 2), settle, baseline, TimeSpan.Zero)
        {
            Systems = StormSystems, WarmupUsers = warmupUsers, ConnectConcurrency = users * 2, CountMessages = true,
        };

    private static int SourceAddressesFor(int clients) => Math.Clamp((clients + ClientsPerSourceAddress - 1) / ClientsPerSourceAddress, 1, 250);
}
