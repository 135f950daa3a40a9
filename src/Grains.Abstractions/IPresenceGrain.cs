using System.Collections.Immutable;

namespace Orleans.Sente;

/// <summary>
/// Sente's <c>connected-uids</c>, queryable from anywhere: which user-ids have a client on
/// WebSocket, on Ajax, and on either. A user-id of null is Sente's <c>:sente/nil-uid</c>.
/// Get it with <see cref="SenteGrainFactoryExtensions.GetConnectedUidsAsync"/>.
/// </summary>
/// <remarks>
/// A stateless worker that asks every <see cref="IPresenceShardGrain"/> and merges their
/// answers: no single grain sits on the path of a connect, and a query costs one call per shard.
/// </remarks>
[Alias("sente.IPresenceGrain")]
public interface IPresenceGrain : IGrainWithIntegerKey
{
    [Alias("GetConnectedUids")]
    Task<ConnectedUids> GetConnectedUidsAsync();
}

/// <summary>
/// One shard of the presence index: the user-ids whose key hashes to it, with their transports.
/// Updated by user grains only when a user comes online, goes offline, or changes transports,
/// never per connect or per push.
/// </summary>
[Alias("sente.IPresenceShardGrain")]
public interface IPresenceShardGrain : IGrainWithIntegerKey
{
    [Alias("Update")]
    Task UpdateAsync(PresenceUpdate update);

    [Alias("GetAll")]
    Task<ImmutableArray<PresenceUpdate>> GetAllAsync();

    /// <summary>
    /// One user's entry, or null when the shard does not list the user: asked by a user grain that
    /// activates, to learn whether its user was online when its previous activation ended.
    /// </summary>
    [Alias("Get")]
    Task<PresenceUpdate?> GetAsync(string userKey);
}

/// <summary>The transports a user has clients on (parked clients within their grace included).</summary>
[Flags, GenerateSerializer, Alias("sente.PresenceTransports")]
public enum PresenceTransports
{
    None = 0,
    WebSocket = 1,
    Ajax = 2,
}

/// <summary>
/// A user's presence as its grain last saw it. <see cref="Epoch"/> names the grain activation
/// and <see cref="Version"/> counts its updates, so that a shard ignores an update that
/// overtook a newer one on the way.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.PresenceUpdate")]
public sealed record PresenceUpdate(
    [property: Id(0)] string UserKey,
    [property: Id(1)] PresenceTransports Transports,
    [property: Id(2)] long Epoch,
    [property: Id(3)] long Version);

/// <summary>
/// Sente's <c>{:ws #{uid} :ajax #{uid} :any #{uid}}</c>. Each list holds distinct user-ids;
/// null stands for <c>:sente/nil-uid</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.ConnectedUids")]
public sealed record ConnectedUids(
    [property: Id(0)] ImmutableArray<string?> Ws,
    [property: Id(1)] ImmutableArray<string?> Ajax,
    [property: Id(2)] ImmutableArray<string?> Any)
{
    public static readonly ConnectedUids Empty = new([], [], []);
}
