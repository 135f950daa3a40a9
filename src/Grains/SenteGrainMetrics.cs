using System.Diagnostics.Metrics;

namespace Orleans.Sente.Grains;

/// <summary>
/// The silo side of meter <c>Orleans.Sente</c> (the front end adds its own instruments to the
/// same meter name): pushes accepted, grain call latency, presence transitions, user grain
/// activations by how they found their clients, and pushes dropped by the grains, by reason.
/// </summary>
internal sealed class SenteGrainMetrics : IDisposable
{
    public const string MeterName = "Orleans.Sente";
    private readonly Meter _meter;
    private readonly Counter<long> _pushes;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _kept;
    private readonly Counter<long> _presence;
    private readonly Counter<long> _activations;
    private readonly Histogram<double> _callDuration;

    public SenteGrainMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _pushes = _meter.CreateCounter<long>("sente.pushes", "{push}", "Pushes accepted by the grains, by target (user, client, broadcast)");
        _dropped = _meter.CreateCounter<long>("sente.pushes.dropped", "{push}", "Pushes dropped by the grains, by reason");
        _kept = _meter.CreateCounter<long>("sente.inbox.kept", "{push}", "Durable pushes kept for offline users");
        _presence = _meter.CreateCounter<long>("sente.presence.transitions", "{transition}", "Users going online or offline");
        _activations = _meter.CreateCounter<long>("sente.user.activations", "{activation}", "User grain activations, by how they learnt their user's clients (presence: the presence shard alone; front-ends: every live front end was asked)");
        _callDuration = _meter.CreateHistogram<double>("sente.grain.call.duration", "ms", "Duration of calls to Orleans.Sente grains, by method");
    }

    public void Pushed(string target) => _pushes.Add(1, new KeyValuePair<string, object?>("target", target));

    public void Dropped(string reason, long count = 1) => _dropped.Add(count, new KeyValuePair<string, object?>("reason", reason));

    public void KeptInInbox() => _kept.Add(1);

    public void Online() => _presence.Add(1, new KeyValuePair<string, object?>("state", "online"));

    public void Offline() => _presence.Add(1, new KeyValuePair<string, object?>("state", "offline"));

    /// <summary>A user grain activated and learnt its clients from <paramref name="source"/> (<c>presence</c> or <c>front-ends</c>).</summary>
    public void Activated(string source) => _activations.Add(1, new KeyValuePair<string, object?>("source", source));

    public void CallCompleted(string method, double milliseconds, bool failed) =>
        _callDuration.Record(milliseconds, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("failed", failed));

    public void Dispose() => _meter.Dispose();
}
