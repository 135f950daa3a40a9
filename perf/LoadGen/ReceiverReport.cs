namespace Orleans.Sente.Bench.LoadGen;

/// <summary>
/// What a receiver measured since its last <c>mark</c>; printed as one <c>REPORT {json}</c> line.
/// <see cref="CloseReasons"/> counts the sockets that ended since the start, by reason.
/// </summary>
internal sealed record ReceiverReport(
    long Delivered,
    long NegativeLatencies,
    int Open,
    int Failed,
    long Disconnects,
    long Reconnects,
    long MaxMicros,
    long[][] Buckets,
    long MarkTimestamp,
    int TimelineBucketMs,
    long[] Timeline,
    Dictionary<string, long>? CloseReasons = null)
{
    public HistogramSnapshot Histogram() => HistogramSnapshot.FromSparse(Buckets, MaxMicros);
}

/// <summary>What a driver sent since its last <c>mark</c>, once its in-flight pushes drained.</summary>
internal sealed record DriverReport(long Sent, long Acked, long Errors, double Seconds, string? LastError);
