namespace Orleans.Sente.Bench.Results;

/// <summary>
/// Folds repeated runs of one (system, scenario) into one result: each figure is its own median
/// (a figure a run lacks, such as the resume time, over the runs that have it); counts, the
/// process list, the grain calls by method and the load average come from the run whose system
/// CPU per delivery (per connect, in a connect scenario) is the median. A failed run fails the result.
/// </summary>
internal static class RunMedian
{
    public static IReadOnlyList<RunResult> Fold(IReadOnlyList<RunResult> runs) =>
        runs.GroupBy(r => (r.System, r.Label))
            .Select(g => g.Count() == 1 ? g.First() : Of(g.ToArray()))
            .ToArray();

    public static RunResult Of(IReadOnlyList<RunResult> runs)
    {
        if (runs.FirstOrDefault(r => !r.Ok) is { } failed)
        {
            return failed with { Repeats = runs.Count };
        }

        var middle = runs.OrderBy(r => r.IsConnect ? r.SystemCpuMicrosPerConnect : r.SystemCpuMicrosPerDelivery).ElementAt(runs.Count / 2);
        double M(Func<RunResult, double> figure) => Median(runs.Select(figure));
        return middle with
        {
            DeliveriesPerSecond = M(r => r.DeliveriesPerSecond),
            P50Ms = M(r => r.P50Ms),
            P90Ms = M(r => r.P90Ms),
            P99Ms = M(r => r.P99Ms),
            MaxMs = M(r => r.MaxMs),
            SystemCpuMicrosPerDelivery = M(r => r.SystemCpuMicrosPerDelivery),
            WholeCpuMicrosPerDelivery = M(r => r.WholeCpuMicrosPerDelivery),
            SystemCores = M(r => r.SystemCores),
            SystemKiBPerConnection = M(r => r.SystemKiBPerConnection),
            SystemMarginalKiBPerConnection = M(r => r.SystemMarginalKiBPerConnection),
            ReceiverKiBPerConnection = M(r => r.ReceiverKiBPerConnection),
            Lost = (long)M(r => r.Lost),
            DriverErrors = (long)M(r => r.DriverErrors),
            ResumeMs = runs.Any(r => r.ResumeMs is not null) ? Median(runs.Where(r => r.ResumeMs is not null).Select(r => r.ResumeMs!.Value)) : null,
            GroupSetupSeconds = M(r => r.GroupSetupSeconds),
            MessagesPerOperation = M(r => r.MessagesPerOperation),
            GrainCallsPerOperation = M(r => r.GrainCallsPerOperation),
            ConnectSpanMs = M(r => r.ConnectSpanMs),
            ConnectP50Ms = M(r => r.ConnectP50Ms),
            ConnectP99Ms = M(r => r.ConnectP99Ms),
            ConnectMaxMs = M(r => r.ConnectMaxMs),
            SystemCpuMicrosPerConnect = M(r => r.SystemCpuMicrosPerConnect),
            IdleSystemCores = M(r => r.IdleSystemCores),
            Repeats = runs.Count,
        };
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
