namespace Orleans.Sente.Bench.LoadGen;

/// <summary>
/// What a silo of the benchmark counted since it started (<c>GET /bench/counters</c>): Orleans
/// messages it sent and received over connections, by connection direction (<c>SiloToSilo</c>,
/// <c>GatewayToClient</c>), from Orleans' own <c>orleans-messaging-*-messages-size</c> instruments
/// (one measurement per message); messages it delivered locally (one grain to another in the same
/// silo, <c>orleans-messaging-sent-local</c>); and incoming calls to Orleans.Sente's grains by method
/// (<c>sente.grain.call.duration</c> of <c>SenteGrainCallMetricsFilter</c>, one measurement per call).
/// </summary>
internal sealed record SiloCounters(
    Dictionary<string, long> Sent,
    Dictionary<string, long> Received,
    long SentLocal,
    Dictionary<string, long> Calls)
{
    public static SiloCounters Empty { get; } = new([], [], 0, []);

    /// <summary>The connection direction of a message between a silo's gateway and a client (front end, push gateway).</summary>
    public const string ClientDirection = "GatewayToClient";

    /// <summary>
    /// Messages this silo handled, each once: every message it sent (over a connection or locally)
    /// and every message it received from a client; one from another silo is counted by its sender.
    /// </summary>
    public long Messages => Sent.Values.Sum() + SentLocal + Received.GetValueOrDefault(ClientDirection);

    public long GrainCalls => Calls.Values.Sum();

    /// <summary>This reading less an earlier one of the same silo.</summary>
    public SiloCounters Minus(SiloCounters earlier) => new(
        Subtract(Sent, earlier.Sent), Subtract(Received, earlier.Received), SentLocal - earlier.SentLocal, Subtract(Calls, earlier.Calls));

    /// <summary>The sum of several silos' readings.</summary>
    public static SiloCounters Sum(IEnumerable<SiloCounters> all) =>
        all.Aggregate(Empty, (a, b) => new(Add(a.Sent, b.Sent), Add(a.Received, b.Received), a.SentLocal + b.SentLocal, Add(a.Calls, b.Calls)));

    private static Dictionary<string, long> Subtract(Dictionary<string, long> later, Dictionary<string, long> earlier) =>
        later.Keys.Union(earlier.Keys).ToDictionary(k => k, k => later.GetValueOrDefault(k) - earlier.GetValueOrDefault(k));

    private static Dictionary<string, long> Add(Dictionary<string, long> a, Dictionary<string, long> b) =>
        a.Keys.Union(b.Keys).ToDictionary(k => k, k => a.GetValueOrDefault(k) + b.GetValueOrDefault(k));
}
