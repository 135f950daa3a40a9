using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>One client's connection on this front end, whatever its transport.</summary>
internal abstract class SenteConnection(long id, string clientId, string? userId, int packerIndex, ISentePacker packer)
{
    public long Id { get; } = id;

    public string ClientId { get; } = clientId;

    /// <summary>The user-id, fixed for the life of the connection; null is nil-uid.</summary>
    public string? UserId { get; } = userId;

    public int PackerIndex { get; } = packerIndex;

    public ISentePacker Packer { get; } = packer;

    public abstract SenteTransport Transport { get; }

    /// <summary>This connection's route through the front end <paramref name="frontEndId"/>, as user grains keep it.</summary>
    public ClientRoute RouteVia(string frontEndId, IFrontEndObserver frontEnd) =>
        new(frontEndId, Id, Transport, UserId, ClientId, frontEnd);

    private readonly SequenceGate _gate = new();

    // What the gate released, used only under the gate's lock and emptied before leaving it.
    [ThreadStatic]
    private static List<(PackedEvent, bool, long)>? t_ready;

    /// <summary>
    /// Queues a push; it goes out with the batch window, or at once when flushed. A push of a user
    /// grain carries its per-client push id and the grain's epoch (0 for a broadcast).
    /// </summary>
    public abstract void Enqueue(PackedEvent packed, bool flush, long epoch = 0, long pushId = 0);

    /// <summary>
    /// The client asked (the <c>resume</c> parameter) to be told what it has received: each push
    /// frame then ends with <c>[:chsk/resume "epoch:push-id"]</c> of its last push, which the client
    /// sends back when it reconnects (see <see cref="ResumePoint"/>), followed by its positions in
    /// its groups once it has had group pushes (<see cref="GroupMarks"/>). Plain Sente clients never ask.
    /// </summary>
    public bool SendsResumeMarks { get; init; }

    /// <summary>The mark the client sent back when it connected (the <c>resume</c> parameter), if any.</summary>
    public string? ResumeMark { get; init; }

    /// <summary>
    /// This connection's place in each of its groups: set when it is indexed in a group, advanced as
    /// group pushes go into frames, and told to the client in its marks (<see cref="GroupMarks"/>).
    /// </summary>
    public GroupMarks Groups => Volatile.Read(ref _groups) ?? Interlocked.CompareExchange(ref _groups, new GroupMarks(ResumeMark), null) ?? _groups;

    private GroupMarks? _groups;

    /// <summary>This connection's group positions, if it ever had any (null for a connection never in a group, without a mark).</summary>
    public GroupMarks? GroupsIfAny => Volatile.Read(ref _groups);

    /// <summary>
    /// The batch to write, with the resume mark appended when the client asked for marks and the
    /// batch holds a push of a user grain or of a group; the group pushes of the batch advance this
    /// connection's group positions (for the client's next connection) whether or not it asked.
    /// </summary>
    protected IReadOnlyList<PackedEvent> WithResumeMark(List<PackedEvent> batch, long epoch, long pushId)
    {
        var groups = Volatile.Read(ref _groups);
        var grouped = groups is not null && groups.Written(batch);
        if (!SendsResumeMarks || (pushId == 0 && !grouped))
        {
            return batch;
        }

        var mark = (groups ?? Groups).Mark(epoch, pushId);
        return [.. batch, new PackedEvent(new SenteEvent(Envelope.ResumeMark, new EdnString(mark)))];
    }

    /// <summary>
    /// Admits a push from a user grain, in the order the grain sent it (see <see cref="SequenceGate"/>).
    /// Returns how many pushes the gate gave up (a late push of an older epoch, a duplicate, or held
    /// pushes of an epoch a newer one replaced), with the reason.
    /// </summary>
    public int Deliver(PackedEvent packed, bool flush, long epoch, long sequence, long pushId, out string? dropReason)
    {
        lock (_gate)
        {
            var ready = t_ready ??= new(4);
            var dropped = _gate.Admit(epoch, sequence, packed, flush, pushId, ready, System.Diagnostics.Stopwatch.GetTimestamp(), out dropReason);
            EnqueueReady(ready, epoch);
            return dropped;
        }
    }

    /// <summary>Gives up on a gap in the sequence that has not filled in time; returns the pushes lost.</summary>
    public long SkipStuckGap(long now, long gapTimeoutTicks)
    {
        lock (_gate)
        {
            var ready = t_ready ??= new(4);
            var skipped = _gate.SkipIfStuck(ready, now, gapTimeoutTicks);
            EnqueueReady(ready, _gate.Epoch);
            return skipped;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> while no push is being admitted, and returns the last sequence
    /// number admitted in order from <paramref name="epoch"/> (for an Ajax handover).
    /// </summary>
    protected long WhileAdmittingNothing(long epoch, Action action)
    {
        lock (_gate)
        {
            action();
            return _gate.AdmittedThrough(epoch);
        }
    }

    private void EnqueueReady(List<(PackedEvent, bool, long)> ready, long epoch)
    {
        // Copied out first: a flush writes on this thread and must not find the list in use.
        if (ready.Count == 1)
        {
            var (packed, flush, pushId) = ready[0];
            ready.Clear();
            Enqueue(packed, flush, epoch, pushId);
            return;
        }

        var all = ready.ToArray();
        ready.Clear();
        foreach (var (packed, flush, pushId) in all)
        {
            Enqueue(packed, flush, epoch, pushId);
        }
    }

    /// <summary>Writes out the pending batch, if any (called by the batch scheduler).</summary>
    public abstract void FlushPending();

    /// <summary>Closes the connection with a reason the client can see.</summary>
    public abstract void Close(SenteCloseReason reason);
}

/// <summary>Why the server closed a connection, with the WebSocket close status it maps to.</summary>
internal sealed record SenteCloseReason(System.Net.WebSockets.WebSocketCloseStatus Status, string Text)
{
    public static readonly SenteCloseReason PingTimeout = new(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, "ping timeout");
    public static readonly SenteCloseReason Replaced = new(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, "replaced by a newer connection of this client");
    public static readonly SenteCloseReason SendQueueFull = new(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, "client too slow: send queue full");
    public static readonly SenteCloseReason WriteTimeout = new(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, "client too slow: write timed out");
    public static readonly SenteCloseReason ServerStopping = new((System.Net.WebSockets.WebSocketCloseStatus)1012, "server restarting: reconnect");
    public static readonly SenteCloseReason ClusterUnavailable = new(System.Net.WebSockets.WebSocketCloseStatus.InternalServerError, "cluster unavailable: reconnect later");

    public static SenteCloseReason Flood(int perSecond) =>
        new(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, $"flood: more than {perSecond} events per second");

    public static SenteCloseReason TooBig(int limit) =>
        new(System.Net.WebSockets.WebSocketCloseStatus.MessageTooBig, $"message larger than {limit} bytes");
}
