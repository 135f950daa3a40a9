using System.Collections.Immutable;
using Orleans.Sente.Protocol;

namespace Orleans.Sente;

/// <summary>
/// One user-id and its 0..n clients, wherever their sockets are. Keyed by
/// <see cref="SenteKeys.UserKey"/>; get one with <see cref="SenteGrainFactoryExtensions.GetUserGrain"/>.
/// </summary>
/// <remarks>
/// What applications call. The same grain also keeps its clients' routes, which front ends attach
/// and detach through a separate interface of their own (not offered to applications), so that
/// nothing here can move or drop a client's connection.
/// </remarks>
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
    /// When this user's last client left (written once, as the user goes offline; never per
    /// connect or push). Null when the user has never gone offline since state was kept.
    /// </summary>
    [Alias("GetLastSeen")]
    Task<DateTimeOffset?> GetLastSeenAsync();
}
