using System.Collections.Concurrent;

namespace Orleans.Sente.Bench.Systems.Kestrel;

/// <summary>user-id -> that user's open sockets (copy-on-write arrays; pushes read without locks).</summary>
internal sealed class SocketIndex
{
    private readonly ConcurrentDictionary<string, RawConnection[]> _byUser = new(StringComparer.Ordinal);

    public void Add(string uid, RawConnection connection) =>
        _byUser.AddOrUpdate(uid, _ => [connection], (_, existing) => [.. existing, connection]);

    public void Remove(string uid, RawConnection connection)
    {
        while (_byUser.TryGetValue(uid, out var existing))
        {
            var remaining = existing.Where(c => c != connection).ToArray();
            var done = remaining.Length == 0
                ? _byUser.TryRemove(new KeyValuePair<string, RawConnection[]>(uid, existing))
                : _byUser.TryUpdate(uid, remaining, existing);
            if (done)
            {
                return;
            }
        }
    }

    public async Task PushAsync(string uid, ReadOnlyMemory<byte> payload)
    {
        if (_byUser.TryGetValue(uid, out var connections))
        {
            foreach (var connection in connections)
            {
                await connection.SendAsync(payload);
            }
        }
    }
}
