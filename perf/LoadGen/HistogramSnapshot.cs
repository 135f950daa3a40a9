namespace Orleans.Sente.Bench.LoadGen;

/// <summary>An immutable view of a <see cref="LogHistogram"/>, serialisable as sparse buckets.</summary>
internal sealed class HistogramSnapshot
{
    private readonly long[] _counts;

    public HistogramSnapshot(long[] counts, long max)
    {
        if (counts.Length != LogHistogram.BucketCount)
        {
            throw new ArgumentException("Bucket count mismatch.", nameof(counts));
        }

        _counts = counts;
        Max = max;
        TotalCount = counts.Sum();
    }

    public long TotalCount { get; }

    public long Max { get; }

    public static HistogramSnapshot Empty { get; } = new(new long[LogHistogram.BucketCount], 0);

    /// <summary>The value at quantile <paramref name="q"/> (0..1), reported as its bucket's upper bound capped at the max.</summary>
    public long ValueAtQuantile(double q)
    {
        if (TotalCount == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(Math.Clamp(q, 0, 1) * TotalCount));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(LogHistogram.UpperBoundOf(i), Max);
            }
        }

        return Max;
    }

    public HistogramSnapshot Merge(HistogramSnapshot other)
    {
        var counts = new long[LogHistogram.BucketCount];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = _counts[i] + other._counts[i];
        }

        return new HistogramSnapshot(counts, Math.Max(Max, other.Max));
    }

    /// <summary>Non-empty buckets as [index, count] pairs.</summary>
    public long[][] ToSparse() =>
        _counts.Select((c, i) => (c, i)).Where(x => x.c != 0).Select(x => new long[] { x.i, x.c }).ToArray();

    public static HistogramSnapshot FromSparse(long[][] sparse, long max)
    {
        var counts = new long[LogHistogram.BucketCount];
        foreach (var pair in sparse)
        {
            counts[pair[0]] += pair[1];
        }

        return new HistogramSnapshot(counts, max);
    }
}
