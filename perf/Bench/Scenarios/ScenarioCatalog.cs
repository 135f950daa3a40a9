namespace Orleans.Sente.Bench.Scenarios;

/// <summary>S1-S5 at full size (PERF-ANCHORS' setup) or at smoke size.</summary>
internal static class ScenarioCatalog
{
    /// <summary>
    /// Idle clients in S4 unless <c>--idle-clients</c> says otherwise (the design target is 100,000).
    /// This machine caps a process at 20,000 open files (the hard limit cannot be raised without
    /// CAP_SYS_RESOURCE): the receivers split beyond 18,000 clients, but a single-server baseline
    /// cannot, so the default stays below the cap and runs every system at the same size.
    /// </summary>
    public const int DefaultIdleClients = 15_000;

    /// <summary>Clients per source address, well under the ~28k ephemeral ports of one address.</summary>
    private const int ClientsPerSourceAddress = 10_000;

    public static IReadOnlyList<string> AllIds { get; } = ["S1", "S2", "S3", "S4", "S5"];

    /// <summary>What <c>--smoke</c> runs unless <c>--scenarios</c> is given: load, idle and kill machinery, under a minute.</summary>
    public static IReadOnlyList<string> SmokeIds { get; } = ["S1", "S4", "S5"];

    public static IReadOnlyList<ScenarioSpec> Build(BenchOptions options) =>
        options.Scenarios.SelectMany(id => options.Smoke ? Smoke(id, options) : Full(id, options)).ToArray();

    private static IEnumerable<ScenarioSpec> Full(string id, BenchOptions o)
    {
        var warmup = TimeSpan.FromSeconds(o.WarmupSeconds ?? 10);
        var measure = TimeSpan.FromSeconds(o.MeasureSeconds ?? 20);
        var idle = o.IdleClients ?? DefaultIdleClients;
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
            _ => throw new ArgumentException($"Unknown scenario '{id}'."),
        };
    }

    private static IEnumerable<ScenarioSpec> Smoke(string id, BenchOptions o)
    {
        var warmup = TimeSpan.FromSeconds(o.WarmupSeconds ?? 1);
        var measure = TimeSpan.FromSeconds(o.MeasureSeconds ?? 2);
        return id switch
        {
            "S1" => [new("S1", "S1 saturated (smoke)", ScenarioKind.Load, 20, 2, 0, 1, warmup, measure, TimeSpan.Zero)],
            "S2" => [new("S2", "S2 paced 200/s (smoke)", ScenarioKind.Load, 20, 2, 200, 1, warmup, measure, TimeSpan.Zero)],
            "S3" => [new("S3", "S3 saturated, 4 source addresses (smoke)", ScenarioKind.Load, 50, 2, 0, 4, warmup, measure, TimeSpan.Zero)],
            "S4" => [new("S4", "S4 idle (smoke)", ScenarioKind.Idle, 100, 2, 0, 2, TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.Zero)],
            "S5" => [new("S5", "S5 paced 200/s, server B killed (smoke)", ScenarioKind.Kill, 20, 2, 200, 1, warmup, measure * 2, measure / 2)],
            _ => throw new ArgumentException($"Unknown scenario '{id}'."),
        };
    }

    private static int SourceAddressesFor(int clients) => Math.Clamp((clients + ClientsPerSourceAddress - 1) / ClientsPerSourceAddress, 1, 250);
}
