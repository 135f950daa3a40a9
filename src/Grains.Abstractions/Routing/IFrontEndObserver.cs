using Orleans.Concurrency;
using System.Collections.Immutable;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Routing;

/// <summary>
/// A front end, as grains see it. Each front end creates one observer reference and holds it
/// for its whole life; grains call it to write into the sockets it owns. Deliveries are one-way,
/// so a dead front end never holds up a grain.
/// </summary>
[Alias("sente.IFrontEndObserver")]
internal interface IFrontEndObserver : IGrainObserver
{
    /// <summary>Writes one push to some of this front end's connections.</summary>
    [OneWay, Alias("Deliver")]
    Task DeliverAsync(Delivery delivery);

    /// <summary>
    /// Writes several pushes, in order: what one silo's user grains sent this front end while its
    /// previous message was on the way, carried in one message. Answered once taken (not once
    /// written), so the silo can send it again when it was lost on the way; a push that arrives
    /// twice is dropped by its connection's sequence numbers.
    /// </summary>
    [Alias("DeliverMany")]
    Task DeliverManyAsync(ImmutableArray<Delivery> deliveries);

    /// <summary>Writes one group push to this front end's connections of the group's members.</summary>
    [OneWay, Alias("DeliverGroup")]
    Task DeliverGroupAsync(GroupDelivery delivery);

    /// <summary>
    /// The groups of a user changed: a front end holding its connections updates its group index
    /// (and subscribes to groups new to it) before it answers, so the change holds for pushes that follow.
    /// </summary>
    [Alias("UserGroupsChanged")]
    Task UserGroupsChangedAsync(string? userId, UserGroups groups);

    /// <summary>Whether this front end holds connections of a group's members: asked by a group grain that activates.</summary>
    [Alias("HasGroupMembers")]
    Task<bool> HasGroupMembersAsync(string groupKey);

    /// <summary>
    /// A newer connection of the client took over the connection <paramref name="connectionId"/>
    /// of this front end: no more group pushes are written to it; returns, per group it was in, the
    /// position it had been written through (kept a while after the connection closed), or null when
    /// this front end knows nothing of it.
    /// </summary>
    [Alias("ReleaseGroups")]
    Task<ImmutableDictionary<string, GroupPosition>?> ReleaseGroupsAsync(long connectionId);

    /// <summary>Writes one push to every connection of this front end.</summary>
    [OneWay, Alias("Broadcast")]
    Task BroadcastAsync(SenteEvent @event, bool flush);

    /// <summary>
    /// The live clients of one user on this front end: asked by a user grain that activates
    /// empty (after a silo loss), so that soft state is rebuilt rather than lost.
    /// </summary>
    [Alias("GetRoutesOfUser")]
    Task<ImmutableArray<ClientRoute>> GetRoutesOfUserAsync(string? userId);

    /// <summary>
    /// The users with clients on this front end whose key falls in one presence shard, with
    /// their transports: asked by a shard that activates empty (after a silo loss).
    /// </summary>
    [Alias("GetPresenceOfShard")]
    Task<ImmutableArray<PresenceUpdate>> GetPresenceOfShardAsync(int shard, int shardCount);

    /// <summary>Closes a connection that a newer connection of the same client replaced.</summary>
    [OneWay, Alias("Close")]
    Task CloseAsync(long connectionId, string reason);

    /// <summary>
    /// Ends an Ajax session of this front end that a newer connection of the same client took
    /// over, and hands back what it had not yet written to the client. Awaited by the user grain
    /// (with a short bound), which keeps the client's pushes in order across front ends.
    /// </summary>
    [Alias("ReleaseAjax")]
    Task<AjaxHandover> ReleaseAjaxAsync(long connectionId, long epoch);

    /// <summary>
    /// A user-id got its first client in the cluster (<paramref name="open"/>) or lost its last
    /// one: runs the application's <c>:chsk/uidport-open</c> / <c>:chsk/uidport-close</c> handler
    /// on this front end. Called once per transition, by the user grain.
    /// </summary>
    [OneWay, Alias("UidPort")]
    Task UidPortAsync(string? userId, string clientId, SenteTransport transport, bool open);
}
