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

    /// <summary>No group at all, for the user or any of its clients.</summary>
    public bool IsEmpty => Groups.IsEmpty && ClientGroups.IsEmpty;

    /// <summary>The group keys a client of this user belongs to.</summary>
    public IEnumerable<string> Of(string clientId) =>
        ClientGroups.TryGetValue(clientId, out var own) ? Groups.Union(own, StringComparer.Ordinal) : Groups;
}

/// <summary>
/// One group push on its way to one front end. <see cref="Sequence"/> counts from 1 per front end
/// within an <see cref="Epoch"/> (one activation of the group grain), so that the front end writes
/// the group's pushes in the order the group accepted them, once each. <see cref="GroupSequence"/>
/// is the push's place in the group's own order (from 1 per epoch, the same on every front end):
/// what a member client has been written, and where a reconnecting client catches up from.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.GroupDelivery")]
internal sealed record GroupDelivery(
    [property: Id(0)] string GroupKey,
    [property: Id(1)] SenteEvent Event,
    [property: Id(2)] bool Flush,
    [property: Id(3)] long Epoch,
    [property: Id(4)] long Sequence,
    [property: Id(5)] long GroupSequence = 0);

/// <summary>
/// A place in one group's order: the group activation's <see cref="Epoch"/> and a group sequence
/// number of it (0: before the activation's first push). A client at a position has been written
/// every push of the group up to it that it was owed.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.GroupPosition")]
internal readonly record struct GroupPosition([property: Id(0)] long Epoch, [property: Id(1)] long Sequence)
{
    /// <summary>Whether this position is later than <paramref name="other"/> in the group's order (a newer epoch is later).</summary>
    public bool IsAfter(GroupPosition other) => Epoch > other.Epoch || (Epoch == other.Epoch && Sequence > other.Sequence);
}

/// <summary>One push of a group's replay window, sent again to a member client that missed it.</summary>
[GenerateSerializer, Immutable, Alias("sente.GroupMissedPush")]
internal sealed record GroupMissedPush([property: Id(0)] long Sequence, [property: Id(1)] SenteEvent Event, [property: Id(2)] bool Flush);

/// <summary>
/// A group's answer to a member client that reconnected: the pushes of its window after the
/// client's position (within the group's <see cref="Epoch"/>), and <see cref="Through"/>, the last
/// push the group had accepted when it answered: live pushes up to it are covered by this answer,
/// later ones come as usual. <see cref="Lost"/> counts the missed pushes that had already left the
/// window (count, bytes or age). <see cref="Start"/> is where the client was taken to be.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.GroupCatchUp")]
internal sealed record GroupCatchUp(
    [property: Id(0)] long Epoch,
    [property: Id(1)] long Through,
    [property: Id(2)] ImmutableArray<GroupMissedPush> Pushes,
    [property: Id(3)] long Start,
    [property: Id(4)] long Lost)
{
    /// <summary>Not a member (any more): nothing to send, nothing to wait for.</summary>
    public static readonly GroupCatchUp None = new(0, 0, [], 0, 0);
}

/// <summary>
/// What a user grain knows of a client's previous connection, for the group pushes the client may
/// have missed: whether there was one (<see cref="Previous"/>), and when its front end answered,
/// its positions in each group it was in (<see cref="Positions"/>, null when the front end is gone
/// or did not answer).
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.GroupHandover")]
internal sealed record GroupHandover(
    [property: Id(0)] bool Previous,
    [property: Id(1)] ImmutableDictionary<string, GroupPosition>? Positions)
{
    /// <summary>A new client, or one gone for good before: it is owed nothing from before.</summary>
    public static readonly GroupHandover None = new(false, null);
}

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

    /// <summary>
    /// A client of the user is gone for good: its own memberships end. Answered, though nobody waits
    /// for it, so that a failure (the memberships could not be saved) comes back to be logged.
    /// </summary>
    [Alias("ClientGone")]
    Task ClientGoneAsync(string clientId);
}

/// <summary>
/// Whether a user has groups, kept with the user's other persisted data (its last-seen time, read
/// when the user comes online; same key as the user grain): a front end asks it before the user's
/// groups record, so that a user without groups costs no read of one. The user's groups record
/// sets it as the user gets its first group (before the change is told) and clears it as the
/// user loses its last one.
/// </summary>
[Alias("sente.IUserGroupsMarkerGrain")]
internal interface IUserGroupsMarkerGrain : IGrainWithStringKey
{
    /// <summary>True or false when known; null for a user whose record is older than the marker.</summary>
    [Alias("HasGroups")]
    Task<bool?> HasGroupsAsync();

    /// <summary>What a front end found in the groups record of a user whose marker is not known yet; kept with the next write.</summary>
    [OneWay, Alias("NoteGroups")]
    Task NoteGroupsAsync(bool hasGroups);

    /// <summary>The user got its first group, or lost its last one: written before this completes.</summary>
    [Alias("SetGroups")]
    Task SetGroupsAsync(bool hasGroups);
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
    /// <returns>The group's position now: the front end's member connections start from it.</returns>
    [AlwaysInterleave, Alias("Subscribe")]
    Task<GroupPosition> SubscribeAsync(string frontEndId, IFrontEndObserver frontEnd, long generation);

    /// <summary>
    /// A member client connected again (on a subscribed front end): the pushes it missed since
    /// <paramref name="from"/> (what it said it received, or what its previous connection was
    /// written), or, when that is not known (null), since its membership began, within the window.
    /// Interleaves, and reads only memory: the answer reflects every push accepted before it.
    /// </summary>
    [AlwaysInterleave, Alias("CatchUp")]
    Task<GroupCatchUp> CatchUpAsync(string userId, string clientId, GroupPosition? from);

    /// <summary>
    /// A group push found no member connection on a front end: it asks to be left out. Ignored when
    /// the front end subscribed again since (a later <paramref name="generation"/>), whichever of the
    /// two messages arrives first.
    /// </summary>
    [OneWay, Alias("Unsubscribe")]
    Task UnsubscribeAsync(string frontEndId, long generation);

    /// <summary>
    /// A client member is gone for good (no call back to its user's groups). Answered, though nobody
    /// waits for it, so that a failure (the group could not save) comes back to be logged.
    /// </summary>
    [Alias("ForgetClient")]
    Task ForgetClientAsync(string userId, string clientId);
}

/// <summary>
/// What a front end asks the user grain of a client that connected to it, for the group pushes the
/// client may have missed (same key as the user grain).
/// </summary>
[Alias("sente.IClientGroupsHandoverGrain")]
internal interface IClientGroupsHandoverGrain : IGrainWithStringKey
{
    /// <summary>
    /// The client's previous connection (before the connection <paramref name="connectionId"/> of
    /// <paramref name="frontEndId"/>) and its group positions, asked of its front end, which stops
    /// writing group pushes to it. Interleaves: the front end's answer is awaited off the grain's turn.
    /// </summary>
    [AlwaysInterleave, Alias("HandOverGroups")]
    Task<GroupHandover> HandOverGroupsAsync(string clientId, string frontEndId, long connectionId);
}

/// <summary>Pushes to an explicit set of users in one call from the caller.</summary>
[Alias("sente.IUserSetPushGrain")]
internal interface IUserSetPushGrain : IGrainWithIntegerKey
{
    [Alias("Push")]
    Task<int> PushAsync(ImmutableArray<string> userIds, SenteEvent @event, PushOptions? options);
}
