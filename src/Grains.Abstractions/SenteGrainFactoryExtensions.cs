using System.Collections.Immutable;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;

namespace Orleans.Sente;

/// <summary>Ways in from any grain, front end or Orleans client.</summary>
public static class SenteGrainFactoryExtensions
{
    /// <summary>
    /// The grain of a user-id. A null user-id is refused (as Sente refuses a push to nil); use
    /// <see cref="GetUsersWithoutUidGrain"/> to reach clients that have no user-id.
    /// </summary>
    public static IUserGrain GetUserGrain(this IGrainFactory grains, string userId)
    {
        ArgumentNullException.ThrowIfNull(userId, nameof(userId));
        return grains.GetGrain<IUserGrain>(SenteKeys.UserKey(userId));
    }

    /// <summary>The grain of Sente's <c>:sente/all-users-without-uid</c>: every client whose user-id is nil.</summary>
    public static IUserGrain GetUsersWithoutUidGrain(this IGrainFactory grains) =>
        grains.GetGrain<IUserGrain>(SenteKeys.NilUserKey);

    /// <summary>The grain of a user-id as a front end resolved it: null is nil-uid (<see cref="GetUsersWithoutUidGrain"/>).</summary>
    public static IUserGrain GetUserGrainOrNil(this IGrainFactory grains, string? userId) =>
        grains.GetGrain<IUserGrain>(SenteKeys.UserKey(userId));

    /// <summary>The grain of one client of one user.</summary>
    public static IClientGrain GetClientGrain(this IGrainFactory grains, string? userId, string clientId) =>
        grains.GetGrain<IClientGrain>(SenteKeys.ClientKey(userId, clientId));

    /// <summary>The registry of live front ends: the way to broadcast to every connected client.</summary>
    public static IFrontEndRegistryGrain GetFrontEndRegistry(this IGrainFactory grains) =>
        grains.GetGrain<IFrontEndRegistryGrain>(0);

    /// <summary>Sente's <c>connected-uids</c>: the user-ids with clients on WebSocket, on Ajax, and on either.</summary>
    public static Task<ConnectedUids> GetConnectedUidsAsync(this IGrainFactory grains) =>
        grains.GetGrain<IPresenceGrain>(0).GetConnectedUidsAsync();

    /// <summary>Pushes <c>[id data]</c> to every client of a user.</summary>
    public static Task PushAsync(this IGrainFactory grains, string userId, string eventId, EdnValue? data = null, bool flush = false) =>
        grains.GetUserGrain(userId).PushAsync(SenteEvent.Create(eventId, data), flush ? PushOptions.Flushed : null);

    /// <summary>The grain of a group (a room, a topic).</summary>
    /// <exception cref="ArgumentException">The name is not a valid group name; the message says why (<see cref="SenteKeys.IsValidGroupName"/>).</exception>
    public static IGroupGrain GetGroupGrain(this IGrainFactory grains, string name) =>
        grains.GetGrain<IGroupGrain>(SenteKeys.GroupKey(name));

    /// <summary>
    /// Pushes an event to every client of each of a set of users, in one call (each user's clients
    /// keep the order of that user's pushes). Returns how many distinct users were pushed to.
    /// </summary>
    /// <exception cref="ArgumentException">A user-id is null or not valid.</exception>
    public static Task<int> PushToUsersAsync(this IGrainFactory grains, IEnumerable<string> userIds, SenteEvent @event, PushOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var distinct = userIds.Distinct(StringComparer.Ordinal).ToImmutableArray();
        foreach (var userId in distinct)
        {
            ArgumentNullException.ThrowIfNull(userId, nameof(userIds));
            if (!SenteKeys.IsValidUserId(userId, out var problem))
            {
                throw new ArgumentException(problem, nameof(userIds));
            }
        }

        return distinct.IsEmpty ? Task.FromResult(0) : grains.GetGrain<IUserSetPushGrain>(0).PushAsync(distinct, @event, options);
    }
}
