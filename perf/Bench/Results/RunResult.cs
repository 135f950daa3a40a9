namespace Orleans.Sente.Bench.Results;

/// <summary>CPU and memory of one process over a run.</summary>
internal sealed record ProcessFigures(string Role, bool IsSystem, double CpuSeconds, double RssMiB);

/// <summary>Everything measured in one (system, scenario) run.</summary>
internal sealed record RunResult
{
    public required string System { get; init; }

    public required string Scenario { get; init; }

    public required string Label { get; init; }

    public double TargetRate { get; init; }

    public int Clients { get; init; }

    public int ClientsPerUser { get; init; }

    /// <summary>Clients connected when the window opened.</summary>
    public int Connected { get; init; }

    /// <summary>Load runs: clients still open when the receivers reported (a server may close a client that fell behind); -1 when not known.</summary>
    public int OpenAtEnd { get; init; } = -1;

    /// <summary>Load runs: sockets that ended during the run, by reason (close status and description, or the failure); null when none did.</summary>
    public IReadOnlyDictionary<string, long>? CloseReasons { get; init; }

    public double Seconds { get; init; }

    public long PushesAcked { get; init; }

    public long Deliveries { get; init; }

    public double DeliveriesPerSecond { get; init; }

    /// <summary>
    /// Pushes acknowledged as accepted times clients per user, less what was delivered (never
    /// negative). A push the system refused (an error acknowledgement) is counted in
    /// <see cref="DriverErrors"/>, not here: its sender was told.
    /// </summary>
    public long Lost { get; init; }

    public long DriverErrors { get; init; }

    public double P50Ms { get; init; }

    public double P90Ms { get; init; }

    public double P99Ms { get; init; }

    public double MaxMs { get; init; }

    /// <summary>Events whose receive time was before their send time: must be 0 if the clock is shared.</summary>
    public long NegativeLatencies { get; init; }

    /// <summary>CPU of the system's processes (servers, backplane) per delivery.</summary>
    public double SystemCpuMicrosPerDelivery { get; init; }

    /// <summary>CPU of every process, load generators included, per delivery.</summary>
    public double WholeCpuMicrosPerDelivery { get; init; }

    /// <summary>Cores the system's processes used on average over the window.</summary>
    public double SystemCores { get; init; }

    /// <summary>The system's RSS at the end over connected clients.</summary>
    public double SystemKiBPerConnection { get; init; }

    /// <summary>The system's RSS growth from before to after the clients connected, per client.</summary>
    public double SystemMarginalKiBPerConnection { get; init; }

    public double ReceiverKiBPerConnection { get; init; }

    /// <summary>S5: from the kill until the delivery rate is back to 90 % of its level before; null elsewhere.</summary>
    public double? ResumeMs { get; init; }

    public long Disconnects { get; init; }

    public long Reconnects { get; init; }

    /// <summary>Deliveries one push makes: the clients of a user, or of a group (0 in results written before groups: read as <see cref="ClientsPerUser"/>).</summary>
    public int DeliveriesPerPush { get; init; }

    /// <summary>Silos and front ends of an Orleans.Sente deployment (0 for the other systems).</summary>
    public int Silos { get; init; }

    public int FrontEnds { get; init; }

    /// <summary>S6: members of the pushed-to group (Orleans.Sente: as the group grain reported them after the setup).</summary>
    public int GroupMembers { get; init; }

    /// <summary>S6 on Orleans.Sente: how long adding every member took (<c>IGroupGrain.AddUserAsync</c> per user); NaN elsewhere.</summary>
    public double GroupSetupSeconds { get; init; } = double.NaN;

    /// <summary>S6 on Orleans.Sente: member additions that failed once and were tried again.</summary>
    public int GroupSetupRetries { get; init; }

    /// <summary>
    /// The last lines each process printed (stdout and stderr), by role, kept when the run failed or
    /// a client was closed during it; null otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, string>? LogTails { get; init; }

    /// <summary>
    /// Orleans messages the silos handled (see <c>SiloCounters.Messages</c>) per push (load runs) or per
    /// connect (connect runs, less the idle rate); NaN when not counted.
    /// </summary>
    public double MessagesPerOperation { get; init; } = double.NaN;

    /// <summary>Calls to Orleans.Sente grains on the silos per push or per connect, like <see cref="MessagesPerOperation"/>.</summary>
    public double GrainCallsPerOperation { get; init; } = double.NaN;

    /// <summary><see cref="GrainCallsPerOperation"/> by method (<c>IUserRoutingGrain.Attach</c>, ...).</summary>
    public IReadOnlyDictionary<string, double>? GrainCallsPerOperationByMethod { get; init; }

    /// <summary>The silos' counts over the window as read (not less the idle rate).</summary>
    public LoadGen.SiloCounters? SiloCounts { get; init; }

    /// <summary>Connect runs: clients that completed their handshake in the window.</summary>
    public int Connects { get; init; }

    /// <summary>Connect runs: from the first connect started to the last handshake received, in ms.</summary>
    public double ConnectSpanMs { get; init; } = double.NaN;

    /// <summary>Connect runs: each client's time from its connect to its handshake.</summary>
    public double ConnectP50Ms { get; init; } = double.NaN;

    public double ConnectP99Ms { get; init; } = double.NaN;

    public double ConnectMaxMs { get; init; } = double.NaN;

    /// <summary>Connect runs: the system's CPU over the window, less its idle rate over as long, per connect.</summary>
    public double SystemCpuMicrosPerConnect { get; init; } = double.NaN;

    /// <summary>Connect runs: the system's cores in use at idle (with the warm-up clients connected), measured before the window.</summary>
    public double IdleSystemCores { get; init; } = double.NaN;

    /// <summary>1-minute load average when the run started (the machine is shared).</summary>
    public double LoadAverage { get; init; }

    public IReadOnlyList<ProcessFigures> Processes { get; init; } = [];

    public string? Error { get; init; }

    /// <summary>How many runs this result is the median of (1: a single run).</summary>
    public int Repeats { get; init; } = 1;

    public bool Ok => Error is null;

    /// <summary>A connect scenario's result (S9, S10): handshakes and cost per connect, no deliveries.</summary>
    public bool IsConnect => Scenario is "S9" or "S10";
}
