using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// ASP.NET Core's <see cref="DistributedSession"/>, with two changes that the session middleware
/// cannot make itself:
/// <list type="bullet">
/// <item>a session whose key the middleware has just made up (a request without a valid cookie)
/// is known to be absent from the store, so reading it and refreshing it cost nothing until it is
/// first written: a probe, a refused request or a page that never stores anything activates no
/// session grain;</item>
/// <item>the store remembers each session's key and options, so <see cref="SenteSessionExtensions.RenewSenteSessionAsync"/>
/// can put a session under a new key.</item>
/// </list>
/// </summary>
internal sealed class SenteSessionStore(IDistributedCache cache, ILoggerFactory loggers) : ISessionStore
{
    public ISession Create(string sessionKey, TimeSpan idleTimeout, TimeSpan ioTimeout, Func<bool> tryEstablishSession, bool isNewSessionKey) =>
        new SenteSession(this, sessionKey, isNewSessionKey, idleTimeout, ioTimeout, tryEstablishSession);

    /// <summary>A session under <paramref name="key"/>, reading the store only if the key can be in it.</summary>
    internal DistributedSession Open(string key, bool isNew, TimeSpan idleTimeout, TimeSpan ioTimeout, Func<bool> tryEstablishSession) =>
        new(isNew ? new UnwrittenKeyCache(cache) : cache, key, idleTimeout, ioTimeout, tryEstablishSession, loggers, isNew);

    internal Task RemoveAsync(string key, CancellationToken cancellationToken) => cache.RemoveAsync(key, cancellationToken);

    /// <summary>
    /// The store as seen by a session under a key made in this request: nothing to read or refresh
    /// until the session writes it.
    /// </summary>
    private sealed class UnwrittenKeyCache(IDistributedCache cache) : IDistributedCache
    {
        private bool _written;

        public byte[]? Get(string key) => _written ? cache.Get(key) : null;

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
            _written ? cache.GetAsync(key, token) : Task.FromResult<byte[]?>(null);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        {
            cache.Set(key, value, options);
            _written = true;
        }

        public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            await cache.SetAsync(key, value, options, token);
            _written = true;
        }

        public void Refresh(string key)
        {
            if (_written)
            {
                cache.Refresh(key);
            }
        }

        public Task RefreshAsync(string key, CancellationToken token = default) =>
            _written ? cache.RefreshAsync(key, token) : Task.CompletedTask;

        public void Remove(string key)
        {
            if (_written)
            {
                cache.Remove(key);
            }
        }

        public Task RemoveAsync(string key, CancellationToken token = default) =>
            _written ? cache.RemoveAsync(key, token) : Task.CompletedTask;
    }
}

/// <summary>
/// One request's session: a <see cref="DistributedSession"/> that can be replaced by one under a
/// new key (<see cref="RenewAsync"/>) while the request runs. The session middleware commits
/// whatever session this holds at the end of the request.
/// </summary>
internal sealed class SenteSession(
    SenteSessionStore store,
    string key,
    bool isNew,
    TimeSpan idleTimeout,
    TimeSpan ioTimeout,
    Func<bool> tryEstablishSession) : ISession
{
    private DistributedSession _inner = store.Open(key, isNew, idleTimeout, ioTimeout, tryEstablishSession);
    private string _key = key;
    private bool _isNew = isNew;

    public bool IsAvailable => _inner.IsAvailable;

    public string Id => _inner.Id;

    public IEnumerable<string> Keys => _inner.Keys;

    public Task LoadAsync(CancellationToken cancellationToken = default) => _inner.LoadAsync(cancellationToken);

    public Task CommitAsync(CancellationToken cancellationToken = default) => _inner.CommitAsync(cancellationToken);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? value) => _inner.TryGetValue(key, out value);

    public void Set(string key, byte[] value) => _inner.Set(key, value);

    public void Remove(string key) => _inner.Remove(key);

    public void Clear() => _inner.Clear();

    /// <summary>
    /// Moves the session's values to a new key and deletes the old key's entry, so whoever holds
    /// the old cookie holds an empty session. Returns the new key, or null when the key was made in
    /// this request (no one else can know it, and the middleware sets its cookie): then the session
    /// keeps its key.
    /// </summary>
    public async Task<string?> RenewAsync(CancellationToken cancellationToken)
    {
        await _inner.LoadAsync(cancellationToken);
        if (_isNew)
        {
            return null;
        }

        var values = _inner.Keys.Select(k => (Key: k, Value: _inner.TryGetValue(k, out var v) ? v : null)).ToList();
        var oldKey = _key;
        _key = new Guid(RandomNumberGenerator.GetBytes(16)).ToString();
        _isNew = true;
        _inner = store.Open(_key, isNew: true, idleTimeout, ioTimeout, static () => true);
        await _inner.LoadAsync(cancellationToken);
        foreach (var (name, value) in values)
        {
            if (value is not null)
            {
                _inner.Set(name, value);
            }
        }

        await store.RemoveAsync(oldKey, cancellationToken);
        return _key;
    }
}
