using System.Collections.Immutable;
using Orleans.Sente.Protocol;

namespace Orleans.Sente;

/// <summary>
/// A named group (a room, a topic): member users, whose every client receives the group's pushes,
/// and member clients (one tab subscribed on its own). Keyed by <see cref="SenteKeys.GroupKey"/>;
/// get one with <see cref="SenteGrainFactoryExtensions.GetGroupGrain"/>. Membership is kept in
/// grain storage: a group outlives its members' connections and the loss of a silo. A push costs
/// one message per front end holding members, however many members there are (docs/groups.md).
/// </summary>
[Alias("sente.IGroupGrain")]
public interface IGroupGrain : IGrainWithStringKey
{
    /// <summary>
    /// Makes a user a member: every client of the user, now and later, on any front end, receives
    /// the group's pushes accepted after this call completes. Adding a member again does nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The user-id is not valid.</exception>
    /// <exception cref="SenteGroupLimitException">The group has <c>MaxMembersPerGroup</c> members, or the user is in <c>MaxGroupsPerUser</c> groups.</exception>
    [Alias("AddUser")]
    Task AddUserAsync(string userId);

    /// <summary>Ends a user's membership (its clients subscribed on their own stay members).</summary>
    [Alias("RemoveUser")]
    Task RemoveUserAsync(string userId);

    /// <summary>
    /// Makes one client (a tab) of a user a member, until it is removed or is gone for good (closed
    /// and not back within its grace period).
    /// </summary>
    /// <exception cref="SenteGroupLimitException">A limit is reached (see <see cref="AddUserAsync"/>).</exception>
    [Alias("AddClient")]
    Task AddClientAsync(string userId, string clientId);

    /// <summary>Ends one client's membership.</summary>
    [Alias("RemoveClient")]
    Task RemoveClientAsync(string userId, string clientId);

    /// <summary>
    /// Pushes an event to every client of every member user and to every member client, in the
    /// order the group accepts its pushes. A push to a group without members (or that never had
    /// any) does nothing and says so: <see cref="GroupPushResult.Members"/> is 0.
    /// </summary>
    [Alias("Push")]
    Task<GroupPushResult> PushAsync(SenteEvent @event, PushOptions? options = null);

    /// <summary>The members now.</summary>
    [Alias("GetMembers")]
    Task<GroupMembers> GetMembersAsync();
}

/// <summary>
/// What a group push reached: how many members (users and clients) the group had, and how many
/// front ends the push was sent to (those holding members' connections).
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.GroupPushResult")]
public sealed record GroupPushResult([property: Id(0)] int Members, [property: Id(1)] int FrontEnds)
{
    /// <summary>The group had no members: nothing was sent.</summary>
    public bool NoMembers => Members == 0;
}

/// <summary>A group's members: user-ids, and clients that joined on their own.</summary>
[GenerateSerializer, Immutable, Alias("sente.GroupMembers")]
public sealed record GroupMembers(
    [property: Id(0)] ImmutableArray<string> UserIds,
    [property: Id(1)] ImmutableArray<GroupClient> Clients)
{
    /// <summary>Users and clients together.</summary>
    public int Count => UserIds.Length + Clients.Length;
}

/// <summary>One client member of a group.</summary>
[GenerateSerializer, Immutable, Alias("sente.GroupClient")]
public sealed record GroupClient([property: Id(0)] string UserId, [property: Id(1)] string ClientId);

/// <summary>A configured limit on groups was reached: a group's members or a user's groups.</summary>
[GenerateSerializer, Alias("sente.GroupLimitException")]
public sealed class SenteGroupLimitException : Exception
{
    public SenteGroupLimitException()
    {
    }

    public SenteGroupLimitException(string message)
        : base(message)
    {
    }

    public SenteGroupLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
