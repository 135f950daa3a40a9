using Microsoft.Extensions.Caching.Distributed;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// ASP.NET Core's distributed cache on Orleans: one <see cref="ISessionGrain"/> per key. Every
/// front end is already a client of the cluster, so sessions are shared with no extra store.
/// The synchronous members exist for the interface; ASP.NET Core's session uses the async ones.
/// </summary>
internal sealed class GrainDistributedCache(IGrainFactory grains, TimeProvider clock) : IDistributedCache
{
    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        Grain(key).GetAsync().WaitAsync(token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        SetAsync(key, value, options).GetAwaiter().GetResult();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        var absolute = options.AbsoluteExpiration
            ?? (options.AbsoluteExpirationRelativeToNow is { } relative ? clock.GetUtcNow() + relative : null);
        return Grain(key).SetAsync(value, new SessionExpiry(absolute, options.SlidingExpiration)).WaitAsync(token);
    }

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public Task RefreshAsync(string key, CancellationToken token = default) => Grain(key).RefreshAsync().WaitAsync(token);

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public Task RemoveAsync(string key, CancellationToken token = default) => Grain(key).RemoveAsync().WaitAsync(token);

    private ISessionGrain Grain(string key) => grains.GetGrain<ISessionGrain>(key);
}
