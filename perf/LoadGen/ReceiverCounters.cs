namespace Orleans.Sente.Bench.LoadGen;

/// <summary>Connection churn seen by the receiver, and why sockets ended.</summary>
internal sealed class ReceiverCounters
{
    private int _failed;
    private long _disconnects;
    private long _reconnects;
    private readonly Dictionary<string, long> _closes = new(StringComparer.Ordinal);

    public int Failed => Volatile.Read(ref _failed);

    public long Disconnects => Interlocked.Read(ref _disconnects);

    public long Reconnects => Interlocked.Read(ref _reconnects);

    public string? FirstError { get; private set; }

    public void AddFailed(Exception e)
    {
        if (Interlocked.Increment(ref _failed) == 1)
        {
            FirstError = e.GetBaseException().Message;
            Console.Error.WriteLine("connect failed: " + FirstError);
        }
    }

    /// <summary>A client's socket ended (not by the receiver): counted by its reason.</summary>
    public void AddClose(string reason)
    {
        lock (_closes)
        {
            _closes[reason] = _closes.GetValueOrDefault(reason) + 1;
        }
    }

    public Dictionary<string, long> CloseReasons()
    {
        lock (_closes)
        {
            return new Dictionary<string, long>(_closes, StringComparer.Ordinal);
        }
    }

    public void AddDisconnect() => Interlocked.Increment(ref _disconnects);

    public void AddReconnect() => Interlocked.Increment(ref _reconnects);
}
