namespace Orleans.Sente.Bench.LoadGen;

/// <summary>Connection churn seen by the receiver.</summary>
internal sealed class ReceiverCounters
{
    private int _failed;
    private long _disconnects;
    private long _reconnects;

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

    public void AddDisconnect() => Interlocked.Increment(ref _disconnects);

    public void AddReconnect() => Interlocked.Increment(ref _reconnects);
}
