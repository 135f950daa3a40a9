using Orleans.Sente.Bench.LoadGen;

namespace Orleans.Sente.Bench.Tests;

public sealed class LogHistogramTests
{
    [Fact]
    public void Small_values_are_exact()
    {
        for (long v = 0; v < LogHistogram.SubBuckets; v++)
        {
            Assert.Equal(v, LogHistogram.UpperBoundOf(LogHistogram.IndexOf(v)));
        }
    }

    [Theory]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(1_000)]
    [InlineData(12_345)]
    [InlineData(1_000_000)]
    [InlineData(987_654_321)]
    public void A_value_lands_in_a_bucket_whose_upper_bound_is_within_one_thirty_second(long value)
    {
        var upper = LogHistogram.UpperBoundOf(LogHistogram.IndexOf(value));
        Assert.InRange(upper, value, value + value / 32);
    }

    [Fact]
    public void Buckets_are_contiguous_and_increasing()
    {
        for (var i = 1; i < LogHistogram.BucketCount; i++)
        {
            var lowest = LogHistogram.UpperBoundOf(i - 1) + 1;
            Assert.Equal(i, LogHistogram.IndexOf(lowest));
        }
    }

    [Fact]
    public void Quantiles_of_a_uniform_range()
    {
        var histogram = new LogHistogram();
        for (var v = 1; v <= 10_000; v++)
        {
            histogram.Record(v);
        }

        var snapshot = histogram.SnapshotAndReset();
        Assert.Equal(10_000, snapshot.TotalCount);
        Assert.Equal(10_000, snapshot.Max);
        Assert.InRange(snapshot.ValueAtQuantile(0.5), 5_000, 5_000 + 5_000 / 32);
        Assert.InRange(snapshot.ValueAtQuantile(0.99), 9_900, 10_000);
        Assert.Equal(10_000, snapshot.ValueAtQuantile(1.0));
        Assert.Equal(1, snapshot.ValueAtQuantile(0));
    }

    [Fact]
    public void Snapshot_resets_and_sparse_form_round_trips()
    {
        var histogram = new LogHistogram();
        histogram.Record(5);
        histogram.Record(5_000);
        histogram.Record(-3);
        var snapshot = histogram.SnapshotAndReset();

        Assert.Equal(0, histogram.SnapshotAndReset().TotalCount);
        var copy = HistogramSnapshot.FromSparse(snapshot.ToSparse(), snapshot.Max);
        Assert.Equal(3, copy.TotalCount);
        Assert.Equal(snapshot.ValueAtQuantile(0.5), copy.ValueAtQuantile(0.5));
        Assert.Equal(0, copy.ValueAtQuantile(0.1));
        Assert.Equal(5_000, copy.Merge(copy).Max);
        Assert.Equal(6, copy.Merge(copy).TotalCount);
    }

    [Fact]
    public async Task Concurrent_recording_loses_nothing()
    {
        var histogram = new LogHistogram();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 25_000; i++)
            {
                histogram.Record(i);
            }
        })));

        var snapshot = histogram.SnapshotAndReset();
        Assert.Equal(100_000, snapshot.TotalCount);
        Assert.Equal(24_999, snapshot.Max);
    }

    [Fact]
    public void Empty_snapshot_reports_zero()
    {
        Assert.Equal(0, HistogramSnapshot.Empty.ValueAtQuantile(0.99));
    }
}
