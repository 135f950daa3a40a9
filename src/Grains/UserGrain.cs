using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace Sente.Grains;

/// <summary>
/// One user-id: tracks its clients' routes and fans pushes out to the front ends that hold
/// their sockets, one call per front end per push. Pushes pass through this grain's single
/// thread, so each client receives them in the order they were accepted.
/// </summary>
/// <remarks>
/// A client is in one of three states:
/// <list type="number">
/// <item>connected: it has a route; pushes go to its front end;</item>
/// <item>parked: its connection closed (or its front end left) less than the grace period ago;
/// pushes wait in its bounded outbox and are replayed, in order, when it reconnects anywhere;</item>
/// <item>gone: the grace period passed; its outbox is dropped (counted and logged).</item>
/// </list>
/// Routing state is soft. A user grain that activates asks its presence shard whether the user was
/// online and, only then (its previous activation was lost with clients: its silo died), the live
/// front ends for their clients of this user, before it delivers its first push.
/// </remarks>
[RandomPlacement]
internal sealed partial class UserGrain(
    FrontEndDirectory directory,
    FrontEndOutbox outbox,
    IOptions<SenteGrainOptions> options,
    TimeProvider clock,
    ILogger<UserGrain> logger) : Grain, IUserGrain, IUserRoutingGrain
{
    private static readonly TimeSpan GraceTick = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<string, ClientSlot> _clients = new(StringComparer.Ordinal);
    private readonly SenteGrainOptions _options = options.Value;
    // Grows with each activation (its start time in ms, then 20 random bits), so that a front end can
    // tell a late push of a replaced activation from the pushes of the one that replaced it.
    private readonly long _epoch = (clock.GetUtcNow().ToUnixTimeMilliseconds() << 20) + Random.Shared.Next(1 << 20);
    private Task _rebuild = Task.CompletedTask;
    private IGrainTimer? _graceTimer;
    private bool _keptAlive;

    private string? UserId => SenteKeys.UserIdOf(this.GetPrimaryKeyString());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rebuild = RebuildAsync();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Idle collection never gets here with clients (see KeepAliveWhileClients); a silo shutting
        // down, memory-pressure shedding or an explicit deactivation may. Connected clients are found
        // again by the next activation's rebuild; what parked clients held is lost: say so.
        foreach (var slot in _clients.Values)
        {
            if (slot.Route is { } route)
            {
                directory.Untrack(route.FrontEndId, this.GetPrimaryKeyString());
            }
        }

        if (_clients.Count > 0)
        {
            var parked = _clients.Values.Count(s => s.Route is null);
            var held = _clients.Values.Sum(s => s.Outbox?.Count ?? 0);
            LogDeactivatedWithClients(logger, UserId, reason.ReasonCode, _clients.Count - parked, parked, held);
            if (held > 0)
            {
                Metrics.Dropped("deactivated", held);
            }
        }

        return Task.CompletedTask;
    }

    public async Task PushAsync(SenteEvent @event, PushOptions? options = null)
    {
        await _rebuild;
        if (await KeepIfOfflineAsync(@event, options))
        {
            return;
        }

        var flush = options?.Flush ?? false;
        Dictionary<string, FanOut>? byFrontEnd = null;
        Recorded? recorded = null;
        foreach (var (clientId, slot) in _clients)
        {
            if (RouteOf(clientId, slot) is { } route)
            {
                byFrontEnd ??= new(StringComparer.Ordinal);
                if (!byFrontEnd.TryGetValue(route.FrontEndId, out var target))
                {
                    target = new FanOut(route.FrontEnd);
                    byFrontEnd[route.FrontEndId] = target;
                }

                target.Connections.Add(route.ConnectionId);
                Remember(route, slot, @event);
                target.Sequences.Add(slot.NextSequence++);
                target.PushIds.Add(Record(slot, @event, flush, recorded ??= Stamp(@event)));
            }
            else
            {
                Hold(clientId, slot, @event, flush, durable: options?.Durable ?? false);
            }
        }

        if (byFrontEnd is not null)
        {
            foreach (var (frontEndId, target) in byFrontEnd)
            {
                outbox.Send(frontEndId, target.FrontEnd, new Delivery(target.Connections.ToImmutable(), @event, flush, target.Sequences.ToImmutable(), _epoch, target.PushIds.ToImmutable()) { EventBinary = recorded?.Binary });
            }
        }
    }

    public async Task PushToClientAsync(string clientId, SenteEvent @event, PushOptions? options = null)
    {
        await _rebuild;
        if (!_clients.TryGetValue(clientId, out var slot))
        {
            return;
        }

        var flush = options?.Flush ?? false;
        if (RouteOf(clientId, slot) is { } route)
        {
            Send(route, slot, @event, flush);
        }
        else
        {
            Hold(clientId, slot, @event, flush);
        }
    }

    public async Task<ImmutableArray<string>> GetClientIdsAsync()
    {
        await _rebuild;
        return _clients.Where(c => c.Value.Route is not null).Select(c => c.Key).ToImmutableArray();
    }

    private static readonly Queue<HeldPush> EmptyOutbox = new();

    private static bool SameConnection(ClientRoute a, ClientRoute b) =>
        a.ConnectionId == b.ConnectionId && string.Equals(a.FrontEndId, b.FrontEndId, StringComparison.Ordinal);

    public async Task<ClientRoute?> GetClientRouteAsync(string clientId)
    {
        await _rebuild;
        return _clients.TryGetValue(clientId, out var slot) ? slot.Route : null;
    }

    public async Task ReattachAsync(ClientRoute route)
    {
        await _rebuild;
        directory.MarkLive(route.FrontEndId);
        if (_clients.TryGetValue(route.ClientId, out var slot) && slot.Route is { } current)
        {
            if (!SameConnection(current, route))
            {
                CloseReplaced(route);
            }

            return;
        }

        await AttachAsync(route);
    }

    public async Task<bool> AttachAsync(ClientRoute route, ResumePoint? resume = null)
    {
        // A new activation first learns from the front ends which clients its user has: whether the
        // user is online already (no second uidport-open) and which routes exist (a detach that
        // follows must find the route it detaches).
        await _rebuild;
        var wasEmpty = _clients.Count == 0;
        if (!_clients.TryGetValue(route.ClientId, out var slot))
        {
            slot = new ClientSlot();
            _clients[route.ClientId] = slot;
        }

        var previous = slot.Route;
        var replaced = previous is not null && !SameConnection(previous, route);
        if (replaced && previous!.Transport == SenteTransport.WebSocket)
        {
            CloseReplaced(previous);
        }

        // An Ajax client whose next poll landed on another front end: what its previous session had
        // not written yet goes ahead of anything newer. The old front end is asked without holding
        // this grain: until it answers, the client's pushes wait in its outbox.
        var handover = NeedsAjaxHandover(route, slot) ? HandOverAjaxAsync(route, slot) : null;
        if (slot.Handover is { } pending)
        {
            // The client moved again while its previous handover is under way: this one completes
            // after that one (within AjaxHandoverTimeout), so that no push is overtaken, and neither
            // holds this grain meanwhile: the client's pushes wait in its outbox.
            handover = AfterAsync(pending, handover);
        }

        var newConnection = (slot.Route ?? slot.LastRoute) is not { } known || !SameConnection(known, route);
        if (newConnection)
        {
            // A new connection counts its pushes from 1; the same one (already found by a
            // rebuild, or attached again after its front end's lease lapsed) keeps counting.
            slot.NextSequence = 1;
            NoteAttach(slot, route, slot.Route ?? slot.LastRoute);
        }

        slot.Route = route;
        directory.Track(route.FrontEndId, this.GetPrimaryKeyString());
        if (replaced && previous!.FrontEndId != route.FrontEndId)
        {
            UntrackIfUnused(previous.FrontEndId);
        }

        SetLastRoute(slot, route);
        slot.ParkedUntil = null;
        if (handover is null)
        {
            // An Ajax handover recovers what the previous session had not written; otherwise what
            // the client may have missed on its previous connection comes first, then what was held.
            if (newConnection)
            {
                ReplayWindowTo(route, slot, resume);
            }

            ReplayOutbox(route, slot);
        }
        else
        {
            slot.Handover = CompleteHandoverAsync(route, slot, handover, replaced ? previous : null, ++slot.Handovers);
        }

        if (wasEmpty)
        {
            LogUserOnline(logger, UserId);
            OnUserOnline();
            AnnounceUidPort(route, open: true);
        }

        if (replaced && previous!.Transport == SenteTransport.Ajax && handover is null)
        {
            // Closing a replaced Ajax session only matters when it is still parked somewhere.
            CloseReplaced(previous);
        }

        await AnnouncePresenceOnAttachAsync();
        KeepAliveWhileClients();
        return previous is not null;
    }

    public async Task DetachAsync(string clientId, string frontEndId, long connectionId)
    {
        await _rebuild;
        if (_clients.TryGetValue(clientId, out var slot) && slot.Route is { } route
            && route.ConnectionId == connectionId && route.FrontEndId == frontEndId)
        {
            // Its front end saw the connection end and wrote what it could: for a client that cannot
            // say what it received, what was sent counts as handled.
            slot.ConfirmedThrough = slot.NextPushId - 1;
            Park(slot, route.Transport);
        }
    }

    public async Task DropFrontEndAsync(string frontEndId)
    {
        await _rebuild;
        foreach (var (clientId, slot) in _clients)
        {
            if (slot.Route is { } route && route.FrontEndId == frontEndId)
            {
                LogFrontEndGone(logger, UserId, clientId, frontEndId);
                Park(slot, route.Transport);
            }
        }
    }

    /// <summary>Replays what was pushed while the client was away, in order, before anything newer.</summary>
    private void ReplayOutbox(ClientRoute route, ClientSlot slot)
    {
        if (slot.Outbox is { Count: > 0 } outbox)
        {
            LogReplay(logger, UserId, route.ClientId, outbox.Count);
            foreach (var held in outbox)
            {
                Send(route, slot, held.Event, held.Flush);
            }

            outbox.Clear();
        }
    }

    /// <summary>
    /// Idle collection must not take a grain whose user has clients, connected or parked: the
    /// routes, the outboxes of parked clients and the knowledge that the user is online live only
    /// here. Orleans' collector respects the keep-alive; anything else that deactivates the grain
    /// (a silo shutting down) leaves the connected routes to the next activation's rebuild.
    /// </summary>
    private void KeepAliveWhileClients()
    {
        var hold = _clients.Count > 0;
        if (hold == _keptAlive)
        {
            return;
        }

        _keptAlive = hold;
        DelayDeactivation(hold ? TimeSpan.MaxValue : TimeSpan.Zero);
    }

    /// <summary>Sends one push to one client (<paramref name="binary"/>: its event's binary form, when kept already).</summary>
    private void Send(ClientRoute route, ClientSlot slot, SenteEvent @event, bool flush, byte[]? binary = null)
    {
        Remember(route, slot, @event);
        var sequence = slot.NextSequence++;
        var recorded = new Recorded(clock.GetUtcNow(), binary ?? SenteEventBinary.Write(@event));
        outbox.Send(route.FrontEndId, route.FrontEnd, new Delivery([route.ConnectionId], @event, flush, [sequence], _epoch, [Record(slot, @event, flush, recorded)]) { EventBinary = recorded.Binary });
    }

    /// <summary>
    /// When a push was sent, and its event in the binary form it is kept in (the replay windows) and
    /// sent in (to the front ends): made once for every client of the user it goes to.
    /// </summary>
    private readonly record struct Recorded(DateTimeOffset At, byte[] Binary);

    private Recorded Stamp(SenteEvent @event) => new(clock.GetUtcNow(), SenteEventBinary.Write(@event));

    /// <summary>Gives a push sent to the client its push id and keeps it in the client's replay window.</summary>
    private long Record(ClientSlot slot, SenteEvent @event, bool flush, Recorded recorded)
    {
        var pushId = slot.NextPushId++;
        (slot.Window ??= new ReplayWindow()).Add(pushId, @event, flush, recorded.At, _options, recorded.Binary);
        return pushId;
    }

    /// <summary>
    /// Sends again, to a new connection of the client and ahead of anything newer, the pushes of its
    /// replay window it may have missed: those after what it says it received (<paramref name="resume"/>,
    /// from clients that send resume marks back), or, for a plain Sente client, those after what the
    /// grain knows was handled (everything sent before a close its front end reported). A resume point
    /// of another epoch (an earlier activation) means the client has seen none of this one's pushes.
    /// </summary>
    private void ReplayWindowTo(ClientRoute route, ClientSlot slot, ResumePoint? resume)
    {
        if (slot.Window is not { Count: > 0 } window)
        {
            return;
        }

        var after = resume is { } r ? (r.Epoch == _epoch ? r.PushId : 0) : slot.ConfirmedThrough;
        var again = window.TakeAfter(after, clock.GetUtcNow(), _options);
        if (again.Count > 0)
        {
            LogReplayWindow(logger, UserId, route.ClientId, again.Count, resume is not null);
            foreach (var kept in again)
            {
                Send(route, slot, kept.Event, kept.Flush, kept.Binary);
            }
        }
    }

    /// <summary>The route to deliver to now, or null when the client is parked (its front end may have gone).</summary>
    private ClientRoute? RouteOf(string clientId, ClientSlot slot)
    {
        if (slot.Route is { } route && directory.IsGone(route.FrontEndId))
        {
            LogFrontEndGone(logger, UserId, clientId, route.FrontEndId);
            Park(slot, route.Transport);
        }

        // While an Ajax handover is under way, pushes wait in the outbox behind the handed-over ones.
        return slot.Handover is null ? slot.Route : null;
    }

    private void Hold(string clientId, ClientSlot slot, SenteEvent @event, bool flush, bool durable = false)
    {
        var outbox = slot.Outbox ??= new Queue<HeldPush>();
        if (outbox.Count >= _options.OutboxLimit)
        {
            outbox.Dequeue();
            slot.Dropped++;
            LogOutboxFull(logger, UserId, clientId, _options.OutboxLimit);
            Metrics.Dropped("outbox-full");
        }

        outbox.Enqueue(new HeldPush(@event, flush, durable));
    }

    private void Park(ClientSlot slot, SenteTransport transport)
    {
        var frontEndId = slot.Route?.FrontEndId;
        slot.Route = null;
        UntrackIfUnused(frontEndId);

        slot.SentLog = null;
        slot.ParkedUntil = clock.GetUtcNow() + _options.GraceFor(transport);
        _graceTimer ??= this.RegisterGrainTimer(ExpireParkedAsync, GraceTick, GraceTick);
    }

    /// <summary>Takes this grain off the directory's list for a front end none of its routes go through any more.</summary>
    private void UntrackIfUnused(string? frontEndId)
    {
        if (frontEndId is not null && !_clients.Values.Any(s => s.Route?.FrontEndId == frontEndId))
        {
            directory.Untrack(frontEndId, this.GetPrimaryKeyString());
        }
    }

    private async Task ExpireParkedAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<HeldPush>? durable = null;
        List<Task>? notices = null;
        foreach (var (clientId, slot) in _clients)
        {
            if (slot.Route is null && slot.ParkedUntil <= now)
            {
                _clients.Remove(clientId);
                (notices ??= []).Add(OnClientGone(clientId));
                _lastGone = slot.LastRoute;
                SetLastRoute(slot, null);
                var dropped = slot.Dropped;
                foreach (var held in slot.Outbox ?? EmptyOutbox)
                {
                    if (!held.Durable)
                    {
                        dropped++;
                    }
                    else if (durable is null || !durable.Exists(d => ReferenceEquals(d.Event, held.Event)))
                    {
                        // Every parked client holds the same push: the inbox keeps it once.
                        (durable ??= []).Add(held);
                    }
                }

                if (dropped > 0)
                {
                    LogOutboxDropped(logger, UserId, clientId, dropped);
                    Metrics.Dropped("grace-expired", dropped);
                }
            }
        }

        if (_clients.Values.All(s => s.Route is not null))
        {
            _graceTimer?.Dispose();
            _graceTimer = null;
        }

        KeepAliveWhileClients();
        if (_clients.Count == 0)
        {
            LogUserOffline(logger, UserId);
            OnUserOffline();
            if (durable is not null)
            {
                // Durable pushes that waited for clients which never came back: the user is offline
                // now, so they go to the inbox, for the next connect (in the order they were accepted).
                await KeepAllAsync(durable);
            }

            // Awaited: the shard has the user offline before this activation ends, so a next
            // activation that asks it (RebuildAsync) never sees the user online by mistake.
            await AnnouncePresenceAsync();
            await AnnounceOfflineAsync();
            if (notices is not null)
            {
                // Their answers come back to this activation: it waits for them (within the rebuild
                // bound) so that a failure is logged rather than lost with it.
                try
                {
                    await Task.WhenAll(notices).WaitAsync(_options.RebuildTimeout);
                }
                catch (Exception)
                {
                    // Logged by Observe (or, past the bound, when the call times out).
                }
            }

            DeactivateOnIdle();
        }
        else
        {
            AnnouncePresence();
        }
    }

    /// <summary>
    /// Asks the presence shard whether the user was online when the previous activation (if any)
    /// ended and, only when it was (or the shard cannot say), every live front end which of its
    /// clients belong to this user. Routing calls wait for it, so its answers never undo a detach or
    /// an attach that came after.
    /// </summary>
    /// <remarks>
    /// A user coming online (the common activation) costs one call to its presence shard, whatever
    /// the number of front ends: the shard lists every user with a client attached anywhere (an
    /// attach of a user coming online returns only once the shard has it; a shard that re-activates
    /// asks the front ends), so a user it does not list has no client for a front end to report.
    /// Only an activation that replaces one lost with clients (its silo died, or a shutdown) asks
    /// the front ends; <c>sente.user.activations</c> counts both kinds by <c>source</c>.
    /// The cases once the front ends were asked:
    /// <list type="number">
    /// <item>clients found, user was online: the previous activation ended while they were
    /// connected; they are taken over silently;</item>
    /// <item>clients found, user was offline: the user is coming online now (uidport-open, inbox);</item>
    /// <item>no client found, user was online: its last client left while no activation was there to
    /// see it: uidport-close, last-seen and presence are brought up to date now;</item>
    /// <item>no client found, user offline: nothing to do.</item>
    /// </list>
    /// </remarks>
    private async Task RebuildAsync()
    {
        var (answered, listed) = await WasOnlineAsync();
        if (answered && listed is null)
        {
            Metrics.Activated("presence");
            return;
        }

        Metrics.Activated("front-ends");
        ImmutableArray<FrontEndLease> live;
        try
        {
            live = await directory.GetLiveAsync(_options.LeasePeriod).WaitAsync(_options.LeasePeriod + _options.RebuildTimeout);
        }
        catch (Exception e)
        {
            LogRebuildFailed(logger, UserId, "registry", e);
            return;
        }

        var userId = UserId;
        var unanswered = 0;
        var answers = live.Select(async lease =>
        {
            // A front end busy right after a silo loss may miss one bound: ask again before
            // concluding anything, since a client it holds and does not report is cut off until
            // it reconnects (its socket is fine, so it has no reason to).
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await lease.Observer.GetRoutesOfUserAsync(userId).WaitAsync(_options.RebuildTimeout);
                }
                catch (Exception e) when (attempt < RebuildAttempts && !directory.IsGone(lease.FrontEndId))
                {
                    LogRebuildFailed(logger, userId, lease.FrontEndId, e);
                }
                catch (Exception e)
                {
                    LogRebuildFailed(logger, userId, lease.FrontEndId, e);
                    Interlocked.Increment(ref unanswered);
                    return ImmutableArray<ClientRoute>.Empty;
                }
            }
        });

        ClientRoute? first = null;
        foreach (var routes in await Task.WhenAll(answers))
        {
            foreach (var route in routes)
            {
                if (!_clients.ContainsKey(route.ClientId))
                {
                    _clients[route.ClientId] = new ClientSlot { Route = route, LastRoute = route, NextSequence = 1 };
                    directory.Track(route.FrontEndId, this.GetPrimaryKeyString());
                    first ??= route;
                }
            }
        }

        if (first is not null)
        {
            LogRebuilt(logger, userId, _clients.Count);
            RecountTransports();

            // Only an entry a user grain announced (epoch not 0) shows that uidport-open ran: one
            // that front ends reported to a shard rebuilt after a silo loss includes the client
            // connecting now, for a user who may be coming online only now.
            if (listed is not { Epoch: not 0, Transports: not PresenceTransports.None })
            {
                LogUserOnline(logger, userId);
                OnUserOnline();
                AnnounceUidPort(first, open: true);
            }

            AnnouncePresence();
            KeepAliveWhileClients();
        }
        else if (listed is { Transports: not PresenceTransports.None and var announced } && live.Length > 0 && unanswered == 0)
        {
            // Every live front end answered and none holds a client: the user left while no
            // activation was there to see it. (A front end that never answered may hold one.)
            LogWentOfflineUnseen(logger, userId);
            _announced = announced;
            try
            {
                await AnnouncePresenceAsync();
                OnUserOffline();
                var transport = announced.HasFlag(PresenceTransports.WebSocket) ? SenteTransport.WebSocket : SenteTransport.Ajax;
                _lastGone = new ClientRoute(live[0].FrontEndId, 0, transport, userId, "", live[0].Observer);
                await AnnounceOfflineAsync();
            }
            catch (Exception e)
            {
                // The rebuild must never fault: every routing call awaits it.
                LogRebuildFailed(logger, userId, "presence", e);
            }
        }
    }

    /// <summary>How many times the rebuild asks a live front end that did not answer in time.</summary>
    private const int RebuildAttempts = 3;

    private sealed class ClientSlot
    {
        public ClientRoute? Route { get; set; }

        /// <summary>The route this client had last, kept while it is parked (presence needs its transport and front end).</summary>
        public ClientRoute? LastRoute { get; set; }

        /// <summary>Recent pushes sent to an Ajax route, by sequence number, for a handover to another front end.</summary>
        public Queue<SentPush>? SentLog { get; set; }

        public DateTimeOffset? ParkedUntil { get; set; }

        public Queue<HeldPush>? Outbox { get; set; }

        /// <summary>An Ajax handover under way for this client's current route; its pushes wait in the outbox meanwhile.</summary>
        public Task? Handover { get; set; }

        /// <summary>How many handovers this client has had: the latest one alone ends <see cref="Handover"/>.</summary>
        public long Handovers { get; set; }

        public long Dropped { get; set; }

        /// <summary>The sequence number of the next push to the current route; restarts at 1 per route.</summary>
        public long NextSequence { get; set; } = 1;

        /// <summary>The push id of the next push sent to this client: from 1, kept across its connections within this activation.</summary>
        public long NextPushId { get; set; } = 1;

        /// <summary>Pushes sent to this client lately, for a reconnect that missed them.</summary>
        public ReplayWindow? Window { get; set; }

        /// <summary>The last push id known handled (sent before a close its front end reported), for a client without resume marks.</summary>
        public long ConfirmedThrough { get; set; }

        /// <summary>The client's latest connections, each with the one it took over: where its group pushes stopped.</summary>
        public Queue<(ClientRoute Route, ClientRoute? Previous)>? RecentAttaches { get; set; }
    }

    private sealed class FanOut(IFrontEndObserver frontEnd)
    {
        public IFrontEndObserver FrontEnd { get; } = frontEnd;

        public ImmutableArray<long>.Builder Connections { get; } = ImmutableArray.CreateBuilder<long>(2);

        public ImmutableArray<long>.Builder Sequences { get; } = ImmutableArray.CreateBuilder<long>(2);

        public ImmutableArray<long>.Builder PushIds { get; } = ImmutableArray.CreateBuilder<long>(2);
    }

    /// <summary>A push waiting for a parked client; a durable one goes to the inbox if the user goes offline instead.</summary>
    private readonly record struct HeldPush(SenteEvent Event, bool Flush, bool Durable);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "User {UserId} is online")]
    private static partial void LogUserOnline(ILogger logger, string? userId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "User {UserId} is offline")]
    private static partial void LogUserOffline(ILogger logger, string? userId);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "Replaying {Count} held pushes to client {ClientId} of user {UserId}")]
    private static partial void LogReplay(ILogger logger, string? userId, string clientId, int count);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Debug, Message = "Sending {Count} pushes of the replay window again to client {ClientId} of user {UserId} (resume point given: {Resumed})")]
    private static partial void LogReplayWindow(ILogger logger, string? userId, string clientId, int count, bool resumed);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Outbox of client {ClientId} of user {UserId} is full ({Limit}); dropped the oldest push")]
    private static partial void LogOutboxFull(ILogger logger, string? userId, string clientId, int limit);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Client {ClientId} of user {UserId} did not come back within the grace period; {Count} held pushes dropped")]
    private static partial void LogOutboxDropped(ILogger logger, string? userId, string clientId, long count);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Information, Message = "Client {ClientId} of user {UserId} was on front end {FrontEndId}, which has gone; holding its pushes")]
    private static partial void LogFrontEndGone(ILogger logger, string? userId, string clientId, string frontEndId);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "User {UserId} re-activated and recovered {Count} clients from the front ends")]
    private static partial void LogRebuilt(ILogger logger, string? userId, int count);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "User {UserId} could not ask {Source} for its clients")]
    private static partial void LogRebuildFailed(ILogger logger, string? userId, string source, Exception exception);
}
