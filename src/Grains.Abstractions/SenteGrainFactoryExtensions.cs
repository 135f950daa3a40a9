using Orleans.Sente.Protocol;

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

    /// <summary>The registry of live front ends (also the way to broadcast).</summary>
    public static IFrontEndRegistryGrain GetFrontEndRegistry(this IGrainFactory grains) =>
        grains.GetGrain<IFrontEndRegistryGrain>(0);

    /// <summary>Sente's <c>connected-uids</c>: the user-ids with clients on WebSocket, on Ajax, and on either.</summary>
    public static Task<ConnectedUids> GetConnectedUidsAsync(this IGrainFactory grains) =>
        grains.GetGrain<IPresenceGrain>(0).GetConnectedUidsAsync();

    /// <summary>Pushes <c>[id data]</c> to every client of a user.</summary>
    public static Task PushAsync(this IGrainFactory grains, string userId, string eventId, EdnValue? data = null, bool flush = false) =>
        grains.GetUserGrain(userId).PushAsync(SenteEvent.Create(eventId, data), flush ? PushOptions.Flushed : null);
}
