using System.Diagnostics;

namespace Orleans.Sente.Bench.LoadGen;

/// <summary>Counts deliveries since the last mark: a latency histogram and a 100 ms timeline.</summary>
internal sealed class DeliveryStats
{
    /// <summary>Width of one timeline bucket.</summary>
    public const int TimelineBucketMs = 100;

    private const int TimelineCapacity = 10 * 60 * 10; // ten minutes
    private static readonly long TicksPerBucket = Stopwatch.Frequency * TimelineBucketMs / 1000;

    private readonly LogHistogram _histogram = new();
    private long[] _timeline = new long[TimelineCapacity];
    private long _markTimestamp = Stopwatch.GetTimestamp();
    private long _delivered;
    private long _negative;

    public void Record(long sentTimestamp)
    {
        var now = Stopwatch.GetTimestamp();
        var elapsed = now - sentTimestamp;
        if (elapsed < 0)
        {
            Interlocked.Increment(ref _negative);
        }

        _histogram.Record(elapsed * 1_000_000 / Stopwatch.Frequency);
        Interlocked.Increment(ref _delivered);
        var bucket = (now - Volatile.Read(ref _markTimestamp)) / TicksPerBucket;
        var timeline = Volatile.Read(ref _timeline);
        if (bucket >= 0 && bucket < timeline.Length)
        {
            Interlocked.Increment(ref timeline[bucket]);
        }
    }

    public void Mark()
    {
        Volatile.Write(ref _timeline, new long[TimelineCapacity]);
        Volatile.Write(ref _markTimestamp, Stopwatch.GetTimestamp());
        _histogram.SnapshotAndReset();
        Interlocked.Exchange(ref _delivered, 0);
        Interlocked.Exchange(ref _negative, 0);
    }

    public (long Delivered, long Negative, HistogramSnapshot Histogram, long MarkTimestamp, long[] Timeline) Snapshot()
    {
        var mark = Volatile.Read(ref _markTimestamp);
        var used = (int)Math.Min(TimelineCapacity, (Stopwatch.GetTimestamp() - mark) / TicksPerBucket + 1);
        var timeline = Volatile.Read(ref _timeline)[..used];
        return (Interlocked.Read(ref _delivered), Interlocked.Read(ref _negative), _histogram.SnapshotAndReset(), mark, timeline);
    }
}
