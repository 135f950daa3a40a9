namespace Orleans.Sente.Bench.Scenarios;

/// <summary>Reads the receiver's delivery timeline around a kill.</summary>
internal static class RecoveryAnalysis
{
    /// <summary>Buckets summed to smooth the pacing's jitter.</summary>
    public const int SmoothingBuckets = 5;

    /// <summary>The fraction of the pre-kill rate that counts as resumed.</summary>
    public const double ResumedFraction = 0.9;

    /// <summary>
    /// Milliseconds from the kill until the end of the last smoothed stretch whose delivery
    /// rate is below 90 % of the rate before the kill; 0 when it never dipped.
    /// </summary>
    public static double ResumeMs(IReadOnlyList<long> timeline, int bucketMs, double killOffsetMs, double windowMs, double expectedPerBucket = 0)
    {
        var killBucket = (int)(killOffsetMs / bucketMs);
        // Only whole buckets inside the measured window (the drain after it has no pushes).
        var complete = Math.Min(timeline.Count - 1, (int)(windowMs / bucketMs));
        if (killBucket < 2 || killBucket >= complete)
        {
            return double.NaN;
        }

        // The paced rate when known, else what was delivered before the kill.
        var before = expectedPerBucket > 0 ? expectedPerBucket : timeline.Skip(1).Take(killBucket - 1).Average();
        var threshold = before * ResumedFraction * SmoothingBuckets;
        var lastLow = -1;
        for (var start = killBucket; start + SmoothingBuckets <= complete; start++)
        {
            long sum = 0;
            for (var i = start; i < start + SmoothingBuckets; i++)
            {
                sum += timeline[i];
            }

            if (sum < threshold)
            {
                lastLow = start + SmoothingBuckets / 2 + 1; // the end of the window's centre bucket
            }
        }

        return lastLow < 0 ? 0 : Math.Max(0, lastLow * bucketMs - killOffsetMs);
    }
}
