using Microsoft.Extensions.Logging;

namespace Sente.Grains;

/// <summary>
/// Presence: this grain is the single authority on whether its user-id is connected. It runs
/// the application's <c>:chsk/uidport-open</c> handler when the user gets its first client
/// (connected or parked) and <c>:chsk/uidport-close</c> when the last one's grace ends, each on
/// one front end; and it tells its presence shard when the user's set of transports changes.
/// </summary>
internal sealed partial class UserGrain
{
    private int _wsClients;
    private int _ajaxClients;
    private PresenceTransports _announced;
    private long _presenceVersion;
    private ClientRoute? _lastGone;

    /// <summary>Keeps the per-transport client counts as a slot's transport changes or it goes.</summary>
    private void SetLastRoute(ClientSlot slot, ClientRoute? route)
    {
        Count(slot.LastRoute, -1);
        slot.LastRoute = route;
        Count(route, +1);
    }

    private void RecountTransports()
    {
        _wsClients = _ajaxClients = 0;
        foreach (var slot in _clients.Values)
        {
            Count(slot.LastRoute, +1);
        }
    }

    private void Count(ClientRoute? route, int delta)
    {
        if (route is null)
        {
            return;
        }

        if (route.Transport == SenteTransport.Ajax)
        {
            _ajaxClients += delta;
        }
        else
        {
            _wsClients += delta;
        }
    }

    private IPresenceShardGrain Shard
    {
        get
        {
            var key = this.GetPrimaryKeyString();
            return GrainFactory.GetGrain<IPresenceShardGrain>(SenteKeys.PresenceShardOf(key, _options.PresenceShards));
        }
    }

    /// <summary>Tells the presence shard, only when the user's transports changed.</summary>
    private void AnnouncePresence() => Observe(AnnouncePresenceAsync(), "presence update");

    private Task AnnouncePresenceAsync()
    {
        var now = (_wsClients > 0 ? PresenceTransports.WebSocket : PresenceTransports.None)
            | (_ajaxClients > 0 ? PresenceTransports.Ajax : PresenceTransports.None);
        if (now == _announced)
        {
            return Task.CompletedTask;
        }

        _announced = now;
        return Shard.UpdateAsync(new PresenceUpdate(this.GetPrimaryKeyString(), now, _epoch, ++_presenceVersion));
    }

    /// <summary>
    /// Tells the presence shard after an attach, and waits for it when the user is coming online:
    /// a later activation of this grain (after its silo died) trusts a shard that does not list
    /// the user and asks no front end (<see cref="RebuildAsync"/>), so the shard must list the
    /// user before any front end is told its connection is attached. One round trip per user
    /// coming online; other changes of transports are told without waiting. A shard that cannot
    /// be reached is left to its own rebuild, which asks the front ends and so finds this client.
    /// </summary>
    private async Task AnnouncePresenceOnAttachAsync()
    {
        if (_announced != PresenceTransports.None)
        {
            AnnouncePresence();
            return;
        }

        try
        {
            await AnnouncePresenceAsync().WaitAsync(_options.RebuildTimeout);
        }
        catch (Exception e)
        {
            LogRebuildFailed(logger, UserId, "presence", e);
        }
    }

    /// <summary>
    /// The presence shard's entry for this user: what the previous activation announced last (it
    /// awaits its offline update before it ends), or what the front ends reported to a shard rebuilt
    /// after a silo loss (epoch 0). <c>Answered</c> is false when the shard could not be asked.
    /// </summary>
    private async Task<(bool Answered, PresenceUpdate? Listed)> WasOnlineAsync()
    {
        try
        {
            return (true, await Shard.GetAsync(this.GetPrimaryKeyString()).WaitAsync(_options.RebuildTimeout));
        }
        catch (Exception e)
        {
            LogRebuildFailed(logger, UserId, "presence", e);
            return (false, null);
        }
    }

    private void AnnounceUidPort(ClientRoute route, bool open) =>
        Observe(route.FrontEnd.UidPortAsync(UserId, route.ClientId, route.Transport, open), open ? "uidport-open" : "uidport-close");

    /// <summary>
    /// Runs <c>:chsk/uidport-close</c> on the front end of the client that left last, or on any
    /// live front end when that one has gone.
    /// </summary>
    private async Task AnnounceOfflineAsync()
    {
        if (_lastGone is not { } last)
        {
            return;
        }

        _lastGone = null;
        if (!directory.IsGone(last.FrontEndId))
        {
            AnnounceUidPort(last, open: false);
            return;
        }

        try
        {
            var live = await directory.GetLiveAsync(TimeSpan.Zero);
            if (live.Length > 0)
            {
                AnnounceUidPort(last with { FrontEndId = live[0].FrontEndId, FrontEnd = live[0].Observer }, open: false);
            }
        }
        catch (Exception e)
        {
            LogUidPortCloseLost(logger, UserId, e);
        }
    }

    [LoggerMessage(EventId = 1120, Level = LogLevel.Information, Message = "User {UserId} went offline while it had no activation; announcing it now")]
    private static partial void LogWentOfflineUnseen(ILogger logger, string? userId);

    [LoggerMessage(EventId = 1121, Level = LogLevel.Warning, Message = "User {UserId} went offline but no front end could be told")]
    private static partial void LogUidPortCloseLost(ILogger logger, string? userId, Exception exception);
}
