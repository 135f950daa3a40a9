namespace Orleans.Sente.Routing;

/// <summary>
/// Ways in to the grains' routing side, for front ends and silos only. Kept apart from
/// <see cref="SenteGrainFactoryExtensions"/> (what applications call), in a namespace of its own, and
/// internal: an application pushes through <see cref="IUserGrain"/> and is never offered a way to
/// attach, detach or drop a route.
/// </summary>
internal static class SenteRoutingGrainFactoryExtensions
{
    /// <summary>The routing side of a user's grain; a null user-id is Sente's nil-uid.</summary>
    public static IUserRoutingGrain GetUserRoutingGrain(this IGrainFactory grains, string? userId) =>
        grains.GetGrain<IUserRoutingGrain>(SenteKeys.UserKey(userId));

    /// <summary>The routing side of the user grain with the given grain key (<see cref="SenteKeys.UserKey"/>).</summary>
    public static IUserRoutingGrain GetUserRoutingGrainByKey(this IGrainFactory grains, string userKey) =>
        grains.GetGrain<IUserRoutingGrain>(userKey);

    /// <summary>The routing side of one client's grain.</summary>
    public static IClientRoutingGrain GetClientRoutingGrain(this IGrainFactory grains, string? userId, string clientId) =>
        grains.GetGrain<IClientRoutingGrain>(SenteKeys.ClientKey(userId, clientId));

    /// <summary>The front-end registry's leases (the same grain as <see cref="SenteGrainFactoryExtensions.GetFrontEndRegistry"/>).</summary>
    public static IFrontEndLeaseGrain GetFrontEndLeases(this IGrainFactory grains) =>
        grains.GetGrain<IFrontEndLeaseGrain>(0);
}
