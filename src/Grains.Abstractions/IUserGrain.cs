using System.Collections.Immutable;
using Orleans.Sente.Protocol;

namespace Orleans.Sente;

/// <summary>
/// One user-id and its 0..n clients, wherever their sockets are. Keyed by
/// <see cref="SenteKeys.UserKey"/>; get one with <see cref="SenteGrainFactoryExtensions.GetUserGrain"/>.
/// </summary>
[Alias("sente.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>
    /// Pushes an event to every client of this user. Completes when the push is accepted
    /// and handed to the front ends; pushes to one client keep the order they were accepted in.
    /// </summary>
    [Alias("Push")]
    Task PushAsync(SenteEvent @event, PushOptions? options = null);

    /// <summary>Pushes an event to one client of this user (nothing when it is not connected).</summary>
    [Alias("PushToClient")]
    Task PushToClientAsync(string clientId, SenteEvent @event, PushOptions? options = null);

    /// <summary>The client-ids connected now.</summary>
    [Alias("GetClientIds")]
    Task<ImmutableArray<string>> GetClientIdsAsync();

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

    /// <summary>
    /// When this user's last client left (written once, as the user goes offline; never per
    /// connect or push). Null when the user has never gone offline since state was kept.
    /// </summary>
    [Alias("GetLastSeen")]
    Task<DateTimeOffset?> GetLastSeenAsync();
}
