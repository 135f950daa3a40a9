namespace Orleans.Sente.Bench.Scenarios;

internal enum ScenarioKind
{
    /// <summary>Pushes during a measured window (saturating when the rate is 0, else paced).</summary>
    Load,

    /// <summary>Clients connect and stay idle: capacity and memory per connection.</summary>
    Idle,

    /// <summary>A paced load during which one process of the system is killed.</summary>
    Kill,

    /// <summary>
    /// Clients connect during a measured window, after warm-up clients and an idle baseline: the cost
    /// of a connect (CPU, and on Orleans.Sente its messages) and the time until every handshake.
    /// </summary>
    Connect,
}

/// <summary>Who issues the pushes on Orleans.Sente.</summary>
internal enum PushProducer
{
    /// <summary>The push gateway, an Orleans client outside the cluster, calls the user grains.</summary>
    Gateway,

    /// <summary>A producer grain in the silos calls the user grains; the gateway hands it batches.</summary>
    Grain,
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

    public bool Saturating => Kind is ScenarioKind.Load or ScenarioKind.Kill && Rate <= 0;

    /// <summary>The systems this scenario runs on, by name; null: every system.</summary>
    public IReadOnlyList<string>? Systems { get; init; }

    /// <summary>
    /// When set, every user is a member of this group and every push goes to the group: one push
    /// reaches every client (<see cref="DeliveriesPerPush"/>).
    /// </summary>
    public string? Group { get; init; }

    public PushProducer Producer { get; init; }

    /// <summary>Silos of an Orleans.Sente deployment.</summary>
    public int Silos { get; init; } = 2;

    /// <summary>Front ends of an Orleans.Sente deployment; 0: one per 18,000 clients, at least 2.</summary>
    public int FrontEnds { get; init; }

    /// <summary>Count the silos' Orleans messages and Orleans.Sente grain calls over the window.</summary>
    public bool CountMessages { get; init; }

    /// <summary>Connect scenarios: users connected before the idle baseline, and left connected.</summary>
    public int WarmupUsers { get; init; }

    /// <summary>Connect scenarios: connects started per second; 0 starts them all at once.</summary>
    public double ConnectRate { get; init; }

    /// <summary>Connects under way at once while connecting.</summary>
    public int ConnectConcurrency { get; init; } = LoadGen.ReceiverOptions.DefaultConnectConcurrency;

    /// <summary>Connect scenarios: how long the window runs on after the last handshake, for the work a connect leaves behind.</summary>
    public TimeSpan Tail { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Deliveries one acknowledged push makes when nothing is lost.</summary>
    public int DeliveriesPerPush => Group is null ? ClientsPerUser : Clients;

    /// <summary>Every client the system holds at the end (connect scenarios add their warm-up users).</summary>
    public int TotalClients => (Users + WarmupUsers) * ClientsPerUser;

    public bool RunsOn(string system) => Systems is null || Systems.Contains(system);
}
