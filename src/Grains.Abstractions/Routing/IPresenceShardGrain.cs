using System.Collections.Immutable;

namespace Orleans.Sente.Routing;

/// <summary>
/// One shard of the presence index: the user-ids whose key hashes to it, with their transports.
/// Updated by user grains only when a user comes online, goes offline, or changes transports,
/// never per connect or per push.
/// </summary>
[Alias("sente.IPresenceShardGrain")]
internal interface IPresenceShardGrain : IGrainWithIntegerKey
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
internal enum PresenceTransports
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
internal sealed record PresenceUpdate(
    [property: Id(0)] string UserKey,
    [property: Id(1)] PresenceTransports Transports,
    [property: Id(2)] long Epoch,
    [property: Id(3)] long Version);
