using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Grains;

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
/// Routing state is soft. A user grain that activates (first use, or after its silo died)
/// asks the live front ends for their clients of this user before it delivers its first push.
/// </remarks>
[RandomPlacement]
internal sealed partial class UserGrain(
    FrontEndDirectory directory,
    FrontEndOutbox outbox,
    IOptions<SenteGrainOptions> options,
    TimeProvider clock,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private static readonly TimeSpan GraceTick = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<string, ClientSlot> _clients = new(StringComparer.Ordinal);
    private readonly SenteGrainOptions _options = options.Value;
    private readonly long _epoch = Random.Shared.NextInt64(1, long.MaxValue);
    private Task _rebuild = Task.CompletedTask;
    private IGrainTimer? _graceTimer;

    private string? UserId => SenteKeys.UserIdOf(this.GetPrimaryKeyString());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rebuild = RebuildAsync();
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
                outbox.Send(frontEndId, target.FrontEnd, new Delivery(target.Connections.ToImmutable(), @event, flush, target.Sequences.ToImmutable(), _epoch));
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

    public Task<ImmutableArray<string>> GetClientIdsAsync() =>
        Task.FromResult(_clients.Where(c => c.Value.Route is not null).Select(c => c.Key).ToImmutableArray());

    private static readonly Queue<HeldPush> EmptyOutbox = new();

    private static bool SameConnection(ClientRoute a, ClientRoute b) =>
        a.ConnectionId == b.ConnectionId && string.Equals(a.FrontEndId, b.FrontEndId, StringComparison.Ordinal);

    private const string ReplacedReason = "replaced by a newer connection of this client";

    public Task<ClientRoute?> GetClientRouteAsync(string clientId) =>
        Task.FromResult(_clients.TryGetValue(clientId, out var slot) ? slot.Route : null);

    public async Task ReattachAsync(ClientRoute route)
    {
        directory.MarkLive(route.FrontEndId);
        if (_clients.TryGetValue(route.ClientId, out var slot) && slot.Route is { } current)
        {
            if (!SameConnection(current, route))
            {
                route.FrontEnd.CloseAsync(route.ConnectionId, ReplacedReason).Ignore();
            }

            return;
        }

        await AttachAsync(route);
    }

    public async Task<bool> AttachAsync(ClientRoute route)
    {
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
            previous.FrontEnd.CloseAsync(previous.ConnectionId, ReplacedReason).Ignore();
        }

        // An Ajax client whose next poll landed on another front end: collect what its previous
        // session had not written yet, to send ahead of anything newer.
        var handedOver = await HandOverAjaxAsync(route, slot);

        if ((slot.Route ?? slot.LastRoute) is not { } known || !SameConnection(known, route))
        {
            // A new connection counts its pushes from 1; the same one (already found by a
            // rebuild, or attached again after its front end's lease lapsed) keeps counting.
            slot.NextSequence = 1;
        }

        slot.Route = route;
        SetLastRoute(slot, route);
        slot.ParkedUntil = null;
        foreach (var @event in handedOver)
        {
            Send(route, slot, @event, flush: true);
        }

        if (slot.Outbox is { Count: > 0 } outbox)
        {
            // Replay what was pushed while the client was away, in order, before anything newer.
            LogReplay(logger, UserId, route.ClientId, outbox.Count);
            foreach (var held in outbox)
            {
                Send(route, slot, held.Event, held.Flush);
            }

            outbox.Clear();
        }

        if (wasEmpty)
        {
            LogUserOnline(logger, UserId);
            OnUserOnline();
            AnnounceUidPort(route, open: true);
        }

        if (replaced && previous!.Transport == SenteTransport.Ajax)
        {
            // The Ajax session's unsent pushes were taken over above; closing it now only matters
            // when it is still parked somewhere.
            previous.FrontEnd.CloseAsync(previous.ConnectionId, ReplacedReason).Ignore();
        }

        AnnouncePresence();
        return previous is not null;
    }

    public Task DetachAsync(string clientId, string frontEndId, long connectionId)
    {
        if (_clients.TryGetValue(clientId, out var slot) && slot.Route is { } route
            && route.ConnectionId == connectionId && route.FrontEndId == frontEndId)
        {
            Park(slot, route.Transport);
        }

        return Task.CompletedTask;
    }

    public Task DropFrontEndAsync(string frontEndId)
    {
        foreach (var slot in _clients.Values)
        {
            if (slot.Route is { } route && route.FrontEndId == frontEndId)
            {
                Park(slot, route.Transport);
            }
        }

        return Task.CompletedTask;
    }

    private void Send(ClientRoute route, ClientSlot slot, SenteEvent @event, bool flush)
    {
        Remember(route, slot, @event);
        outbox.Send(route.FrontEndId, route.FrontEnd, new Delivery([route.ConnectionId], @event, flush, [slot.NextSequence++], _epoch));
    }

    /// <summary>The route to deliver to now, or null when the client is parked (its front end may have gone).</summary>
    private ClientRoute? RouteOf(string clientId, ClientSlot slot)
    {
        if (slot.Route is { } route && directory.IsGone(route.FrontEndId))
        {
            LogFrontEndGone(logger, UserId, clientId, route.FrontEndId);
            Park(slot, route.Transport);
        }

        return slot.Route;
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
        slot.Route = null;
        slot.SentLog = null;
        slot.ParkedUntil = clock.GetUtcNow() + _options.GraceFor(transport);
        _graceTimer ??= this.RegisterGrainTimer(ExpireParkedAsync, GraceTick, GraceTick);
    }

    private async Task ExpireParkedAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<HeldPush>? durable = null;
        foreach (var (clientId, slot) in _clients)
        {
            if (slot.Route is null && slot.ParkedUntil <= now)
            {
                _clients.Remove(clientId);
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

        AnnouncePresence();
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

            await AnnounceOfflineAsync();
            DeactivateOnIdle();
        }
    }

    /// <summary>Asks every live front end which of its clients belong to this user.</summary>
    private async Task RebuildAsync()
    {
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
        var answers = live.Select(async lease =>
        {
            try
            {
                return await lease.Observer.GetRoutesOfUserAsync(userId).WaitAsync(_options.RebuildTimeout);
            }
            catch (Exception e)
            {
                LogRebuildFailed(logger, userId, lease.FrontEndId, e);
                return ImmutableArray<ClientRoute>.Empty;
            }
        });

        var found = 0;
        foreach (var routes in await Task.WhenAll(answers))
        {
            foreach (var route in routes)
            {
                if (!_clients.TryGetValue(route.ClientId, out var slot) || slot.Route is null)
                {
                    _clients[route.ClientId] = new ClientSlot { Route = route, LastRoute = route, NextSequence = 1 };
                    found++;
                }
            }
        }

        if (found > 0)
        {
            LogRebuilt(logger, userId, found);
            RecountTransports();
            AnnouncePresence();
        }
    }

    private sealed class ClientSlot
    {
        public ClientRoute? Route { get; set; }

        /// <summary>The route this client had last, kept while it is parked (presence needs its transport and front end).</summary>
        public ClientRoute? LastRoute { get; set; }

        /// <summary>Recent pushes sent to an Ajax route, by sequence number, for a handover to another front end.</summary>
        public Queue<SentPush>? SentLog { get; set; }

        public DateTimeOffset? ParkedUntil { get; set; }

        public Queue<HeldPush>? Outbox { get; set; }

        public long Dropped { get; set; }

        /// <summary>The sequence number of the next push to the current route; restarts at 1 per route.</summary>
        public long NextSequence { get; set; } = 1;
    }

    private sealed class FanOut(IFrontEndObserver frontEnd)
    {
        public IFrontEndObserver FrontEnd { get; } = frontEnd;

        public ImmutableArray<long>.Builder Connections { get; } = ImmutableArray.CreateBuilder<long>(2);

        public ImmutableArray<long>.Builder Sequences { get; } = ImmutableArray.CreateBuilder<long>(2);
    }

    /// <summary>A push waiting for a parked client; a durable one goes to the inbox if the user goes offline instead.</summary>
    private readonly record struct HeldPush(SenteEvent Event, bool Flush, bool Durable);

    [LoggerMessage(Level = LogLevel.Debug, Message = "User {UserId} is online")]
    private static partial void LogUserOnline(ILogger logger, string? userId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "User {UserId} is offline")]
    private static partial void LogUserOffline(ILogger logger, string? userId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Replaying {Count} held pushes to client {ClientId} of user {UserId}")]
    private static partial void LogReplay(ILogger logger, string? userId, string clientId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox of client {ClientId} of user {UserId} is full ({Limit}); dropped the oldest push")]
    private static partial void LogOutboxFull(ILogger logger, string? userId, string clientId, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {ClientId} of user {UserId} did not come back within the grace period; {Count} held pushes dropped")]
    private static partial void LogOutboxDropped(ILogger logger, string? userId, string clientId, long count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} of user {UserId} was on front end {FrontEndId}, which has gone; holding its pushes")]
    private static partial void LogFrontEndGone(ILogger logger, string? userId, string clientId, string frontEndId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} re-activated and recovered {Count} clients from the front ends")]
    private static partial void LogRebuilt(ILogger logger, string? userId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} could not ask {Source} for its clients")]
    private static partial void LogRebuildFailed(ILogger logger, string? userId, string source, Exception exception);
}
