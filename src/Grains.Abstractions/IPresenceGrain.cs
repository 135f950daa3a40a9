using System.Collections.Immutable;

namespace Orleans.Sente;

/// <summary>
/// Sente's <c>connected-uids</c>, queryable from anywhere: which user-ids have a client on
/// WebSocket, on Ajax, and on either. A user-id of null is Sente's <c>:sente/nil-uid</c>.
/// Get it with <see cref="SenteGrainFactoryExtensions.GetConnectedUidsAsync"/>.
/// </summary>
/// <remarks>
/// A stateless worker that asks every <see cref="Routing.IPresenceShardGrain"/> and merges their
/// answers: no single grain sits on the path of a connect, and a query costs one call per shard.
/// </remarks>
[Alias("sente.IPresenceGrain")]
public interface IPresenceGrain : IGrainWithIntegerKey
{
    [Alias("GetConnectedUids")]
    Task<ConnectedUids> GetConnectedUidsAsync();
}

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
