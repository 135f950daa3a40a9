using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// The object grains call on this front end. Orleans runs its calls one at a time, which
/// keeps pushes to a connection in the order the grain sent them. Every method returns at
/// once: deliveries only queue into connections. What fails for one connection (a push its
/// packer cannot write, a socket gone) is that connection's alone: the others of the same
/// delivery, and the other deliveries of the same message, are served.
/// </summary>
internal sealed partial class FrontEndObserver(
    ConnectionStore connections,
    string frontEndId,
    SenteMetrics metrics,
    EventDispatcher dispatcher,
    IGrainFactory grains,
    GroupIndex groups,
    ILogger logger) : IFrontEndObserver
{
    /// <summary>Set once the observer reference exists; routes carry it.</summary>
    public IFrontEndObserver? Reference { get; set; }

    /// <summary>Set by a test that simulates this front end's death: deliveries are lost and questions about its connections go unanswered from then on.</summary>
    public volatile bool Crashed;

    public Task DeliverAsync(Delivery delivery)
    {
        if (Crashed)
        {
            return Task.CompletedTask;
        }

        using var traced = SenteFrontEndActivities.StartDeliver(delivery.TraceParent, delivery.ConnectionIds.Length);
        var packed = new PackedEvent(delivery.Event);
        var sequences = delivery.Sequences;
        var pushIds = delivery.PushIds;
        for (var i = 0; i < delivery.ConnectionIds.Length; i++)
        {
            if (connections.TryGet(delivery.ConnectionIds[i], out var connection))
            {
                try
                {
                    using var send = SenteFrontEndActivities.StartSend(connection);
                    packed.Prepare(connection, logger);
                    if (connection.Deliver(packed, delivery.Flush, delivery.Epoch, sequences.IsDefaultOrEmpty ? 0 : sequences[i], pushIds.IsDefaultOrEmpty ? 0 : pushIds[i], out var reason) is > 0 and var dropped)
                    {
                        metrics.Dropped(reason!, dropped);
                    }
                }
                catch (Exception e)
                {
                    LogDeliveryFailed(logger, e, connection.Id);
                }
            }
            else
            {
                metrics.Dropped("connection-gone");
            }
        }

        return Task.CompletedTask;
    }

    public Task DeliverManyAsync(ImmutableArray<Delivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            DeliverAsync(delivery);
        }

        return Task.CompletedTask;
    }

    public Task DeliverGroupAsync(GroupDelivery delivery)
    {
        if (!Crashed)
        {
            groups.Deliver(delivery, frontEndId);
        }

        return Task.CompletedTask;
    }

    public Task UserGroupsChangedAsync(string? userId, UserGroups userGroups) =>
        groups.ChangedAsync(userId, userGroups, frontEndId, Reference ?? throw new InvalidOperationException("The front end is not registered yet."));

    public Task<bool> HasGroupMembersAsync(string groupKey) => Task.FromResult(groups.HasMembers(groupKey));

    public Task<ImmutableDictionary<string, GroupPosition>?> ReleaseGroupsAsync(long connectionId) =>
        Crashed
            ? new TaskCompletionSource<ImmutableDictionary<string, GroupPosition>?>().Task
            : Task.FromResult(groups.Release(connectionId));

    public Task BroadcastAsync(SenteEvent @event, bool flush)
    {
        using var traced = SenteFrontEndActivities.StartDeliver(null, connections.Count, "broadcast");
        var packed = new PackedEvent(@event);
        foreach (var connection in connections.All)
        {
            try
            {
                using var send = SenteFrontEndActivities.StartSend(connection);
                packed.Prepare(connection, logger);
                connection.Enqueue(packed, flush);
            }
            catch (Exception e)
            {
                LogDeliveryFailed(logger, e, connection.Id);
            }
        }

        return Task.CompletedTask;
    }

    public Task<ImmutableArray<ClientRoute>> GetRoutesOfUserAsync(string? userId)
    {
        var reference = Reference ?? throw new InvalidOperationException("The front end is not registered yet.");
        return Task.FromResult(connections.OfUser(userId)
            .Select(c => c.RouteVia(frontEndId, reference))
            .ToImmutableArray());
    }

    public Task<ImmutableArray<PresenceUpdate>> GetPresenceOfShardAsync(int shard, int shardCount)
    {
        var users = new Dictionary<string, PresenceTransports>(StringComparer.Ordinal);
        foreach (var connection in connections.All)
        {
            var key = SenteKeys.UserKey(connection.UserId);
            if (SenteKeys.PresenceShardOf(key, shardCount) == shard)
            {
                users[key] = users.GetValueOrDefault(key)
                    | (connection.Transport == SenteTransport.Ajax ? PresenceTransports.Ajax : PresenceTransports.WebSocket);
            }
        }

        // Epoch 0: what a front end saw, which any update from the user's grain overrides.
        return Task.FromResult(users.Select(u => new PresenceUpdate(u.Key, u.Value, 0, 0)).ToImmutableArray());
    }

    public Task CloseAsync(long connectionId, string reason)
    {
        if (connections.TryGet(connectionId, out var connection))
        {
            connection.Close(SenteCloseReason.Replaced);
        }

        return Task.CompletedTask;
    }

    public Task<AjaxHandover> ReleaseAjaxAsync(long connectionId, long epoch) =>
        Task.FromResult(connections.TryGet(connectionId, out var connection) && connection is AjaxConnection ajax
            ? ajax.Release(epoch)
            : AjaxHandover.Nothing);

    public Task UidPortAsync(string? userId, string clientId, SenteTransport transport, bool open)
    {
        // Sente's uidport events reach the application's handlers as events of the client that
        // caused them; they never go on the wire. The handler runs off the observer's turn.
        var @event = new SenteEvent(open ? Envelope.UidPortOpen : Envelope.UidPortClose, SenteEndpoint.UidValue(userId));
        var context = new SenteEventContext(userId, clientId, transport, @event, null, new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity()), grains, CancellationToken.None);
        _ = Task.Run(() => dispatcher.DispatchAsync(context));
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1112, Level = LogLevel.Error, Message = "A push to connection {ConnectionId} failed; the other connections are served")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, long connectionId);
}
