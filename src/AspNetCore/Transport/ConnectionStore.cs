using System.Collections.Concurrent;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// The connections of this front end, by id and by user-id: a direct user index, so that
/// answering "which of my clients belong to user U" never scans every connection. Owned by
/// <see cref="FrontEndConnections"/>, which alone adds and removes; the grains' observer reads it.
/// </summary>
internal sealed class ConnectionStore
{
    private readonly ConcurrentDictionary<long, SenteConnection> _byId = new();

    // A user's connections on this front end as a small array, replaced on change (connects are
    // rare next to reads); one lock orders the replacements.
    private readonly ConcurrentDictionary<string, SenteConnection[]> _byUser = new(StringComparer.Ordinal);
    private readonly Lock _userLock = new();
    private long _lastId;

    public long NextId() => Interlocked.Increment(ref _lastId);

    public int Count => _byId.Count;

    /// <summary>
    /// Every connection, enumerated live rather than copied (the dictionary's <c>Values</c> would copy
    /// all of them under every lock on each heartbeat tick). A connection added or removed during the
    /// enumeration may or may not be seen; each one is seen at most once.
    /// </summary>
    public Connections All => new(_byId);

    public void Add(SenteConnection connection)
    {
        _byId[connection.Id] = connection;
        var key = SenteKeys.UserKey(connection.UserId);
        lock (_userLock)
        {
            _byUser[key] = _byUser.TryGetValue(key, out var ofUser) ? [.. ofUser, connection] : [connection];
        }
    }

    /// <summary>Removes a connection; returns false when it was not here (removed already).</summary>
    public bool Remove(SenteConnection connection)
    {
        if (!_byId.TryRemove(new KeyValuePair<long, SenteConnection>(connection.Id, connection)))
        {
            return false;
        }

        var key = SenteKeys.UserKey(connection.UserId);
        lock (_userLock)
        {
            if (!_byUser.TryGetValue(key, out var ofUser) || Array.IndexOf(ofUser, connection) < 0)
            {
                return true;
            }

            if (ofUser.Length == 1)
            {
                _byUser.TryRemove(key, out _);
            }
            else
            {
                _byUser[key] = Array.FindAll(ofUser, c => c != connection);
            }
        }

        return true;
    }

    public bool TryGet(long id, out SenteConnection connection) => _byId.TryGetValue(id, out connection!);

    public IReadOnlyList<SenteConnection> OfUser(string? userId) =>
        _byUser.TryGetValue(SenteKeys.UserKey(userId), out var ofUser) ? ofUser : [];

    /// <summary>The connections, enumerable without a copy (see <see cref="All"/>).</summary>
    internal readonly struct Connections(ConcurrentDictionary<long, SenteConnection> byId) : IEnumerable<SenteConnection>
    {
        public Enumerator GetEnumerator() => new(byId.GetEnumerator());

        IEnumerator<SenteConnection> IEnumerable<SenteConnection>.GetEnumerator() => GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        internal struct Enumerator(IEnumerator<KeyValuePair<long, SenteConnection>> inner) : IEnumerator<SenteConnection>
        {
            public readonly SenteConnection Current => inner.Current.Value;

            readonly object System.Collections.IEnumerator.Current => Current;

            public readonly bool MoveNext() => inner.MoveNext();

            public readonly void Reset() => inner.Reset();

            public readonly void Dispose() => inner.Dispose();
        }
    }
}
