using System.Collections.Immutable;
using Orleans.Concurrency;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Routing;

/// <summary>
/// The groups of one user as its front ends need them: the groups the user is in, and the groups
/// each of its clients joined on its own. <see cref="Version"/> grows with every change, so a front
/// end keeps the newest of what it was told and what it asked.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.UserGroups")]
internal sealed record UserGroups(
    [property: Id(0)] long Version,
    [property: Id(1)] ImmutableArray<string> Groups,
    [property: Id(2)] ImmutableDictionary<string, ImmutableArray<string>> ClientGroups)
{
    /// <summary>No groups.</summary>
    public static readonly UserGroups None = new(0, [], ImmutableDictionary<string, ImmutableArray<string>>.Empty);

    /// <summary>The group keys a client of this user belongs to.</summary>
    public IEnumerable<string> Of(string clientId) =>
        ClientGroups.TryGetValue(clientId, out var own) ? Groups.Union(own, StringComparer.Ordinal) : Groups;
}

/// <summary>
/// One group push on its way to one front end. <see cref="Sequence"/> counts from 1 per front end
/// within an <see cref="Epoch"/> (one activation of the group grain), so that the front end writes
/// the group's pushes in the order the group accepted them, once each.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.GroupDelivery")]
internal sealed record GroupDelivery(
    [property: Id(0)] string GroupKey,
    [property: Id(1)] SenteEvent Event,
    [property: Id(2)] bool Flush,
    [property: Id(3)] long Epoch,
    [property: Id(4)] long Sequence);

/// <summary>
/// The per-user record of groups, kept in grain storage (keyed by the user's key): what front ends
/// ask when a user's first connection opens on them, and where the groups-per-user limit is kept.
/// </summary>
[Alias("sente.IUserGroupsGrain")]
internal interface IUserGroupsGrain : IGrainWithStringKey
{
    /// <summary>The user's groups; interleaves with a change that waits for the front ends' answers.</summary>
    [AlwaysInterleave, Alias("Get")]
    Task<UserGroups> GetAsync();

    [Alias("Add")]
    Task AddAsync(string groupKey, string? clientId);

    [Alias("Remove")]
    Task RemoveAsync(string groupKey, string? clientId);

    /// <summary>A client of the user is gone for good: its own memberships end.</summary>
    [OneWay, Alias("ClientGone")]
    Task ClientGoneAsync(string clientId);
}

/// <summary>What front ends call on a group grain: they hold members' connections and want its pushes.</summary>
[Alias("sente.IGroupFanOutGrain")]
internal interface IGroupFanOutGrain : IGrainWithStringKey
{
    /// <summary>
    /// A front end now holds connections of this group's members. Interleaves: a front end told of a
    /// new member while the group waits for that change subscribes without waiting for it.
    /// </summary>
    /// <param name="frontEndId">The front end.</param>
    /// <param name="frontEnd">Its observer.</param>
    /// <param name="generation">Grows with each subscription of this front end to this group (see <see cref="UnsubscribeAsync"/>).</param>
    [AlwaysInterleave, Alias("Subscribe")]
    Task SubscribeAsync(string frontEndId, IFrontEndObserver frontEnd, long generation);

    /// <summary>
    /// A group push found no member connection on a front end: it asks to be left out. Ignored when
    /// the front end subscribed again since (a later <paramref name="generation"/>), whichever of the
    /// two messages arrives first.
    /// </summary>
    [OneWay, Alias("Unsubscribe")]
    Task UnsubscribeAsync(string frontEndId, long generation);

    /// <summary>A client member is gone for good (no call back to its user's groups).</summary>
    [OneWay, Alias("ForgetClient")]
    Task ForgetClientAsync(string userId, string clientId);
}

/// <summary>Pushes to an explicit set of users in one call from the caller.</summary>
[Alias("sente.IUserSetPushGrain")]
internal interface IUserSetPushGrain : IGrainWithIntegerKey
{
    [Alias("Push")]
    Task<int> PushAsync(ImmutableArray<string> userIds, SenteEvent @event, PushOptions? options);
}
