namespace Orleans.Sente.Bench.Results;

/// <summary>The whole run: where and how it ran, and every result.</summary>
internal sealed record BenchReport(
    DateTimeOffset Started,
    string Command,
    int Processors,
    double MemoryGiB,
    string Runtime,
    bool Smoke,
    IReadOnlyList<RunResult> Runs);
