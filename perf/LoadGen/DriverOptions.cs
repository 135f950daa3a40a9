namespace Orleans.Sente.Bench.LoadGen;

/// <summary>The driver's command line.</summary>
internal sealed record DriverOptions(Uri PushUrl, int Users, int InFlight, double Rate, int PayloadBytes, int Seed, string? Target = null)
{
    /// <summary>Pushes kept in flight (PERF-ANCHORS: 64).</summary>
    public const int DefaultInFlight = 64;

    /// <summary>Approximate payload size in bytes (PERF-ANCHORS: ~100 B).</summary>
    public const int DefaultPayloadBytes = 100;

    /// <summary>
    /// <c>--rate 0</c> saturates: a new push as soon as one completes. <c>--target NAME</c> sends every
    /// push to NAME (a group) instead of to a uniformly random user.
    /// </summary>
    public static DriverOptions From(ArgMap args) => new(
        new Uri(args.String("url")),
        args.Int("users", 1000),
        args.Int("inflight", DefaultInFlight),
        args.Double("rate", 0),
        args.Int("payload", DefaultPayloadBytes),
        args.Int("seed", 1),
        args.String("target", "") is { Length: > 0 } target ? target : null);
}
