using System.Collections.Concurrent;

namespace Orleans.Sente.WebFrontend;

/// <summary>
/// The connections of this front end, by id and by user-id: a direct user index, so that
/// answering "which of my clients belong to user U" never scans every connection.
/// </summary>
internal sealed class ConnectionStore
{
    private readonly ConcurrentDictionary<long, SenteConnection> _byId = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, SenteConnection>> _byUser = new(StringComparer.Ordinal);
    private long _lastId;

    public long NextId() => Interlocked.Increment(ref _lastId);

    public int Count => _byId.Count;

    public ICollection<SenteConnection> All => _byId.Values;

    public void Add(SenteConnection connection)
    {
        _byId[connection.Id] = connection;
        _byUser.GetOrAdd(SenteKeys.UserKey(connection.UserId), static _ => new())[connection.Id] = connection;
    }

    public void Remove(SenteConnection connection)
    {
        _byId.TryRemove(connection.Id, out _);
        var key = SenteKeys.UserKey(connection.UserId);
        if (_byUser.TryGetValue(key, out var ofUser))
        {
            ofUser.TryRemove(connection.Id, out _);
            if (ofUser.IsEmpty)
            {
                _byUser.TryRemove(new KeyValuePair<string, ConcurrentDictionary<long, SenteConnection>>(key, ofUser));
            }
        }
    }

    public bool TryGet(long id, out SenteConnection connection) => _byId.TryGetValue(id, out connection!);

    public IEnumerable<SenteConnection> OfUser(string? userId) =>
        _byUser.TryGetValue(SenteKeys.UserKey(userId), out var ofUser) ? ofUser.Values : [];
}
