namespace Orleans.Sente.Bench.Scenarios;

internal enum ScenarioKind
{
    /// <summary>Pushes during a measured window (saturating when the rate is 0, else paced).</summary>
    Load,

    /// <summary>Clients connect and stay idle: capacity and memory per connection.</summary>
    Idle,

    /// <summary>A paced load during which one process of the system is killed.</summary>
    Kill,
}

/// <summary>One measured run's shape, the same for every system.</summary>
internal sealed record ScenarioSpec(
    string Id,
    string Label,
    ScenarioKind Kind,
    int Users,
    int ClientsPerUser,
    double Rate,
    int SourceAddresses,
    TimeSpan Warmup,
    TimeSpan Measure,
    TimeSpan KillAfter)
{
    public int Clients => Users * ClientsPerUser;

    public bool Saturating => Kind != ScenarioKind.Idle && Rate <= 0;
}
