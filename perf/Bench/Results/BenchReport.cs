namespace Orleans.Sente.Bench.Results;

/// <summary>
/// The whole run: where and how it ran, and the results. With <c>--repeat</c>, <see cref="Runs"/>
/// holds one median result per (system, scenario) and <see cref="AllRuns"/> every run.
/// </summary>
internal sealed record BenchReport(
    DateTimeOffset Started,
    string Command,
    int Processors,
    double MemoryGiB,
    string Runtime,
    bool Smoke,
    IReadOnlyList<RunResult> Runs,
    IReadOnlyList<RunResult>? AllRuns = null);
