using Microsoft.Extensions.Logging;

namespace Orleans.Sente.Grains;

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

    /// <summary>Tells the presence shard, only when the user's transports changed.</summary>
    private void AnnouncePresence()
    {
        var now = (_wsClients > 0 ? PresenceTransports.WebSocket : PresenceTransports.None)
            | (_ajaxClients > 0 ? PresenceTransports.Ajax : PresenceTransports.None);
        if (now == _announced)
        {
            return;
        }

        _announced = now;
        var key = this.GetPrimaryKeyString();
        GrainFactory.GetGrain<IPresenceShardGrain>(SenteKeys.PresenceShardOf(key, _options.PresenceShards))
            .UpdateAsync(new PresenceUpdate(key, now, _epoch, ++_presenceVersion))
            .Ignore();
    }

    private void AnnounceUidPort(ClientRoute route, bool open) =>
        route.FrontEnd.UidPortAsync(UserId, route.ClientId, route.Transport, open).Ignore();

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} went offline but no front end could be told")]
    private static partial void LogUidPortCloseLost(ILogger logger, string? userId, Exception exception);
}
