using System.Diagnostics;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// A token bucket for one connection's client events: <see cref="PerSecond"/> on average,
/// bursts of twice that. Used by the receive loop only, so it needs no lock.
/// </summary>
internal sealed class EventRateLimit(int perSecond)
{
    private readonly double _capacity = 2.0 * perSecond;
    private double _tokens = 2.0 * perSecond;
    private long _last = Stopwatch.GetTimestamp();

    public int PerSecond { get; } = perSecond;

    public bool TryTake(long now)
    {
        _tokens = Math.Min(_capacity, _tokens + ((now - _last) * (double)PerSecond / Stopwatch.Frequency));
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
