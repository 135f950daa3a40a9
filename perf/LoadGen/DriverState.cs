using System.Diagnostics;

namespace Orleans.Sente.Bench.LoadGen;

/// <summary>The driver's in-flight slots and counters since the last mark.</summary>
internal sealed class DriverState(int inFlight)
{
    private readonly int _inFlight = inFlight;
    private long _sent;
    private long _acked;
    private long _errors;
    private long _markTimestamp = Stopwatch.GetTimestamp();
    private string? _lastError;

    public SemaphoreSlim Slots { get; } = new(inFlight, inFlight);

    public void Mark()
    {
        Interlocked.Exchange(ref _sent, 0);
        Interlocked.Exchange(ref _acked, 0);
        Interlocked.Exchange(ref _errors, 0);
        Interlocked.Exchange(ref _markTimestamp, Stopwatch.GetTimestamp());
    }

    public void OnSent() => Interlocked.Increment(ref _sent);

    public void OnAcked()
    {
        Interlocked.Increment(ref _acked);
        Slots.Release();
    }

    public void OnError(string message)
    {
        Interlocked.Increment(ref _errors);
        _lastError = message;
    }

    /// <summary>Waits until every slot is free again (all pushes answered), or the timeout.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Slots.CurrentCount < _inFlight && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(10);
        }
    }

    public DriverReport Report() => new(
        Interlocked.Read(ref _sent),
        Interlocked.Read(ref _acked),
        Interlocked.Read(ref _errors),
        Stopwatch.GetElapsedTime(Interlocked.Read(ref _markTimestamp)).TotalSeconds,
        _lastError);
}
