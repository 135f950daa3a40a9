namespace Orleans.Sente.Routing;

/// <summary>
/// The user grain as front ends and silos see it: the routes of the user's clients. Served by the
/// same grain class, and so the same activation, as <see cref="IUserGrain"/> (Orleans takes the
/// grain type from the class): a push and an attach of one user run on one thread, in one order.
/// </summary>
/// <remarks>
/// Front-end plumbing, not application API: internal to Orleans.Sente, so applications are not
/// offered it. In a front end only its connections service calls it (attach on connect, re-attach
/// after a lapsed lease, detach on close); in a silo, the front-end directory (a front end gone)
/// and the client grain (a client's route).
/// </remarks>
[Alias("sente.IUserRoutingGrain")]
internal interface IUserRoutingGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records a client's current route (called by the front end that holds the connection). The
    /// newest connection owns the client: an older one is closed. Returns whether the client was
    /// connected (somewhere) before this call. <paramref name="resume"/> is what the client says it
    /// last received (clients that send resume marks back); pushes of the client's replay window
    /// after it are sent again first. Without it (a plain Sente client), the window's pushes the
    /// grain cannot tell were written are sent again (see the README's Reliability section).
    /// </summary>
    [Alias("Attach")]
    Task<bool> AttachAsync(ClientRoute route, ResumePoint? resume = null);

    /// <summary>
    /// A front end that had been counted as gone attaches one of its connections again: the route
    /// is restored if the client is parked or unknown (its held pushes follow, in order); if a newer
    /// connection owns the client, this one is closed instead.
    /// </summary>
    [Alias("Reattach")]
    Task ReattachAsync(ClientRoute route);

    /// <summary>A client's route now, or null when it is not connected.</summary>
    [Alias("GetClientRoute")]
    Task<ClientRoute?> GetClientRouteAsync(string clientId);

    /// <summary>Forgets a client, if its route is still the given connection.</summary>
    [Alias("Detach")]
    Task DetachAsync(string clientId, string frontEndId, long connectionId);

    /// <summary>Forgets every route through a front end that left the cluster.</summary>
    [Alias("DropFrontEnd")]
    Task DropFrontEndAsync(string frontEndId);
}

/// <summary>
/// The client grain as the cluster sees it: the client's route, which its user grain keeps. Served
/// by the same grain class as <see cref="IClientGrain"/>; internal, like <see cref="IUserRoutingGrain"/>.
/// </summary>
[Alias("sente.IClientRoutingGrain")]
internal interface IClientRoutingGrain : IGrainWithStringKey
{
    /// <summary>The route now, or null when the client is not connected.</summary>
    [Alias("GetRoute")]
    Task<ClientRoute?> GetRouteAsync();
}
