using System.Collections.Concurrent;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// The connections of this front end, by id and by user-id: a direct user index, so that
/// answering "which of my clients belong to user U" never scans every connection.
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

    public ICollection<SenteConnection> All => _byId.Values;

    public void Add(SenteConnection connection)
    {
        _byId[connection.Id] = connection;
        var key = SenteKeys.UserKey(connection.UserId);
        lock (_userLock)
        {
            _byUser[key] = _byUser.TryGetValue(key, out var ofUser) ? [.. ofUser, connection] : [connection];
        }
    }

    public void Remove(SenteConnection connection)
    {
        _byId.TryRemove(connection.Id, out _);
        var key = SenteKeys.UserKey(connection.UserId);
        lock (_userLock)
        {
            if (!_byUser.TryGetValue(key, out var ofUser) || Array.IndexOf(ofUser, connection) < 0)
            {
                return;
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
    }

    public bool TryGet(long id, out SenteConnection connection) => _byId.TryGetValue(id, out connection!);

    public IReadOnlyList<SenteConnection> OfUser(string? userId) =>
        _byUser.TryGetValue(SenteKeys.UserKey(userId), out var ofUser) ? ofUser : [];
}
