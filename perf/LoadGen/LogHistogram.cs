using System.Numerics;

namespace Orleans.Sente.Bench.LoadGen;

/// <summary>
/// A log-linear histogram of non-negative integer values (HDR-like): exact below
/// <see cref="SubBuckets"/>, then 32 linear sub-buckets per power of two, so any recorded
/// value is reported within 1/32 (3.1 %) above its true value. Thread-safe recording.
/// </summary>
internal sealed class LogHistogram
{
    /// <summary>Values below this are recorded exactly.</summary>
    public const int SubBuckets = 64;

    private const int HalfSubBuckets = SubBuckets / 2;
    private const int SubBucketBits = 5; // log2(HalfSubBuckets)

    /// <summary>Covers values up to 2^40 (18 minutes in microseconds).</summary>
    public const int BucketCount = SubBuckets + (40 - SubBucketBits) * HalfSubBuckets;

    private readonly long[] _counts = new long[BucketCount];
    private long _max;

    public long TotalCount { get; private set; }

    public long Max => Volatile.Read(ref _max);

    public void Record(long value)
    {
        value = Math.Max(0, value);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        long seen;
        while (value > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, value, seen) != seen)
        {
        }
    }

    public static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = msb - SubBucketBits;
        var index = SubBuckets + (shift - 1) * HalfSubBuckets + (int)((value >> shift) - HalfSubBuckets);
        return Math.Min(index, BucketCount - 1);
    }

    /// <summary>The highest value that lands in bucket <paramref name="index"/>.</summary>
    public static long UpperBoundOf(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var j = index - SubBuckets;
        var shift = j / HalfSubBuckets + 1;
        long m = j % HalfSubBuckets + HalfSubBuckets;
        return ((m + 1) << shift) - 1;
    }

    /// <summary>Returns a consistent copy and zeroes this histogram (the start of a window).</summary>
    public HistogramSnapshot SnapshotAndReset()
    {
        var counts = new long[BucketCount];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Exchange(ref _counts[i], 0);
        }

        var max = Interlocked.Exchange(ref _max, 0);
        return new HistogramSnapshot(counts, max);
    }
}
