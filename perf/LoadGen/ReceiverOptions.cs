namespace Orleans.Sente.Bench.LoadGen;

/// <summary>The receiver's command line.</summary>
internal sealed record ReceiverOptions(
    IReadOnlyList<string> UrlTemplates,
    int Users,
    int ClientsPerUser,
    ClientProtocol Protocol,
    int SourceAddresses,
    int ConnectConcurrency,
    bool Reconnect,
    int UserOffset = 0,
    bool AwaitHandshake = false,
    double ConnectRate = 0)
{
    /// <summary>Connections opened at once while connecting.</summary>
    public const int DefaultConnectConcurrency = 64;

    /// <summary>
    /// Every url template holds <c>{uid}</c>, replaced by the user-id <c>u&lt;n&gt;</c>, and may hold
    /// <c>{cid}</c>, a client-id unique across receivers (<c>c&lt;n&gt;</c>). <c>--user-offset</c> lets
    /// several receiver processes share one population: this one takes users from that offset on.
    /// <c>--await-handshake</c> counts a client as connected once the server's first message (Sente's
    /// handshake, SignalR's handshake response) arrived, not when the WebSocket opened;
    /// <c>--connect-rate R</c> starts R connects per second instead of all at once (0).
    /// </summary>
    public static ReceiverOptions From(ArgMap args) => new(
        args.String("urls").Split(',', StringSplitOptions.RemoveEmptyEntries),
        args.Int("users", 1000),
        args.Int("clients", 2),
        ClientProtocol.Parse(args.String("protocol", "raw")),
        args.Int("source-addresses", 1),
        args.Int("connect-concurrency", DefaultConnectConcurrency),
        args.Flag("reconnect"),
        args.Int("user-offset", 0),
        args.Flag("await-handshake"),
        args.Double("connect-rate", 0));

    /// <summary>Client <c>u*K+k</c> goes to front end <c>(u*K+k) mod F</c>: an even spread, and with K = F each user has one client per front end.</summary>
    public int FrontEndOf(int clientIndex) => GlobalIndex(clientIndex) % UrlTemplates.Count;

    public Uri UrlFor(int clientIndex, int frontEnd) =>
        new(UrlTemplates[frontEnd]
            .Replace("{uid}", UserIdOf(clientIndex), StringComparison.Ordinal)
            .Replace("{cid}", "c" + GlobalIndex(clientIndex), StringComparison.Ordinal));

    public string UserIdOf(int clientIndex) => "u" + (GlobalIndex(clientIndex) / ClientsPerUser);

    private int GlobalIndex(int clientIndex) => UserOffset * ClientsPerUser + clientIndex;
}
