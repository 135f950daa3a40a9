namespace Orleans.Sente.Grains;

/// <summary>Grain-side settings: grace periods, outboxes, leases. Front-end settings live in the front end's options.</summary>
public sealed class SenteGrainOptions
{
    public static readonly TimeSpan DefaultWsCloseGrace = TimeSpan.FromMilliseconds(2500);
    public static readonly TimeSpan DefaultAjaxCloseGrace = TimeSpan.FromMilliseconds(5000);
    public static readonly TimeSpan DefaultLeasePeriod = TimeSpan.FromSeconds(6);
    public static readonly TimeSpan DefaultRebuildTimeout = TimeSpan.FromSeconds(3);
    public const int DefaultOutboxLimit = 256;
    public const int DefaultPresenceShards = 16;
    public static readonly TimeSpan DefaultAjaxHandoverTimeout = TimeSpan.FromSeconds(2);
    public const int DefaultInboxLimit = 100;
    public static readonly TimeSpan DefaultInboxMaxAge = TimeSpan.FromDays(7);
    public static readonly TimeSpan DefaultInboxKeepTimeout = TimeSpan.FromSeconds(10);
    public const int DefaultReplayWindowLimit = 256;
    public const long DefaultReplayWindowBytes = 1024 * 1024;
    public static readonly TimeSpan DefaultReplayWindowMaxAge = TimeSpan.FromSeconds(30);
    public const int DefaultMaxGroupsPerUser = 100;
    public const int DefaultMaxMembersPerGroup = 100_000;

    /// <summary>
    /// How long a closed WebSocket client keeps its place (and collects pushes in its outbox)
    /// before it counts as gone. Sente's <c>ms-allow-reconnect-before-close-ws</c>; default 2.5 s.
    /// </summary>
    public TimeSpan WsCloseGrace { get; set; } = DefaultWsCloseGrace;

    /// <summary>The same for Ajax clients (Sente's <c>ms-allow-reconnect-before-close-ajax</c>); default 5 s.</summary>
    public TimeSpan AjaxCloseGrace { get; set; } = DefaultAjaxCloseGrace;

    /// <summary>Most pushes held for one disconnected client; older ones are dropped, counted and logged. Default 256.</summary>
    public int OutboxLimit { get; set; } = DefaultOutboxLimit;

    /// <summary>How long a front end's lease lasts without renewal. Default 6 s; front ends renew at a third of it, so a registry that re-activates empty is full again within 2 s.</summary>
    public TimeSpan LeasePeriod { get; set; } = DefaultLeasePeriod;

    /// <summary>How long a user grain that activates empty waits for the front ends to re-assert their clients. Default 3 s.</summary>
    public TimeSpan RebuildTimeout { get; set; } = DefaultRebuildTimeout;

    /// <summary>
    /// Most durable pushes kept for one offline user (<see cref="PushOptions.Durable"/>); beyond it
    /// the oldest is dropped, counted and logged. Default 100.
    /// </summary>
    public int InboxLimit { get; set; } = DefaultInboxLimit;

    /// <summary>
    /// How long a durable push to an offline user waits for its inbox to keep it (a storage write, and
    /// a read when the inbox activates) before it fails with <see cref="SenteInboxUnavailableException"/>.
    /// Default 10 s: shorter than Orleans' 30 s response timeout, so that storage that hangs fails the
    /// push with its reason rather than a timeout of the call. A push that failed this way may still be
    /// kept if storage answers late.
    /// </summary>
    public TimeSpan InboxKeepTimeout { get; set; } = DefaultInboxKeepTimeout;

    /// <summary>How long a durable push waits for its offline user; older ones are dropped, counted and logged. Default 7 days.</summary>
    public TimeSpan InboxMaxAge { get; set; } = DefaultInboxMaxAge;

    /// <summary>
    /// How many grains share the presence index (<c>connected-uids</c>), by hash of the user-id.
    /// Default 16: each is updated only on a user's online/offline/transport transitions, and a
    /// query asks each once. Fixed for the life of a cluster.
    /// </summary>
    public int PresenceShards { get; set; } = DefaultPresenceShards;

    /// <summary>
    /// How long a user grain waits for a front end to hand over an Ajax session that a newer
    /// poll on another front end took over. Default 2 s; past it, the pushes of the handover
    /// window are re-sent (the client may see one twice rather than miss it).
    /// </summary>
    public TimeSpan AjaxHandoverTimeout { get; set; } = DefaultAjaxHandoverTimeout;

    /// <summary>
    /// Most pushes kept per client after they were sent, to send again when the client reconnects
    /// having missed them (its front end died, or its connection was lost with pushes on the way).
    /// Default 256.
    /// </summary>
    public int ReplayWindowLimit { get; set; } = DefaultReplayWindowLimit;

    /// <summary>Most bytes of the pushes kept per client for replay, in the compact binary form they are kept in (about their EDN text's size). Default 1 MiB.</summary>
    public long ReplayWindowBytes { get; set; } = DefaultReplayWindowBytes;

    /// <summary>
    /// How long a sent push stays in its client's replay window. Default 30 s. It must cover a
    /// front end's death: the lease, one refresh of the silos' view of the registry, and the grace
    /// in which the client comes back (the validator checks it).
    /// </summary>
    public TimeSpan ReplayWindowMaxAge { get; set; } = DefaultReplayWindowMaxAge;

    /// <summary>
    /// Most groups one user is a member of (and, apart, most groups one of its clients joined on its
    /// own); adding past it fails with <see cref="SenteGroupLimitException"/>. Default 100.
    /// </summary>
    public int MaxGroupsPerUser { get; set; } = DefaultMaxGroupsPerUser;

    /// <summary>Most members (users and clients) of one group; adding past it fails with <see cref="SenteGroupLimitException"/>. Default 100,000.</summary>
    public int MaxMembersPerGroup { get; set; } = DefaultMaxMembersPerGroup;

    internal TimeSpan GraceFor(SenteTransport transport) =>
        transport == SenteTransport.Ajax ? AjaxCloseGrace : WsCloseGrace;
}
