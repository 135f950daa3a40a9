using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client.Transport;

/// <summary>
/// The requests of one WebSocket waiting for their replies, by 6-hex-digit callback id. When the
/// connection closes they all fail at once with <see cref="SenteRequestFailure.Closed"/>, rather
/// than each waiting for its timeout (Sente #413).
/// </summary>
internal sealed class PendingRequests
{
    private readonly Dictionary<string, TaskCompletionSource<EdnValue>> _pending = [];
    private bool _closed;

    public (string Id, Task<EdnValue> Reply) Add()
    {
        var reply = new TaskCompletionSource<EdnValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending)
        {
            if (_closed)
            {
                throw Closed();
            }

            string id;
            do
            {
                id = Random.Shared.Next(0x1000000).ToString("x6", System.Globalization.CultureInfo.InvariantCulture);
            }
            while (!_pending.TryAdd(id, reply));

            return (id, reply.Task);
        }
    }

    public bool TryComplete(string id, EdnValue value)
    {
        TaskCompletionSource<EdnValue>? reply;
        lock (_pending)
        {
            if (!_pending.Remove(id, out reply))
            {
                return false;
            }
        }

        return reply.TrySetResult(value);
    }

    public void Remove(string id)
    {
        lock (_pending)
        {
            _pending.Remove(id);
        }
    }

    /// <summary>Fails every pending request and refuses new ones.</summary>
    public void Close()
    {
        List<TaskCompletionSource<EdnValue>> pending;
        lock (_pending)
        {
            _closed = true;
            pending = [.. _pending.Values];
            _pending.Clear();
        }

        foreach (var reply in pending)
        {
            reply.TrySetException(Closed());
        }
    }

    private static SenteRequestException Closed() =>
        new(SenteRequestFailure.Closed, "The connection closed before the reply arrived.");
}
