using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Orleans.Sente.Bench.LoadGen;

namespace Orleans.Sente.Bench.Systems.Sente;

/// <summary>
/// Counts this silo's Orleans messages and Orleans.Sente grain calls from the instruments Orleans
/// and Orleans.Sente already publish (see <see cref="SiloCounters"/>), with an in-process
/// <see cref="MeterListener"/>. Started only with <c>--Bench:Counters=true</c>: listening makes
/// Orleans record its message-size histograms, which it skips otherwise.
/// </summary>
internal sealed class BenchCounters : IDisposable
{
    private const string SentSize = "orleans-messaging-sent-messages-size";
    private const string ReceivedSize = "orleans-messaging-received-messages-size";
    private const string SentLocal = "orleans-messaging-sent-local";
    private const string GrainCall = "sente.grain.call.duration";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Counter> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter> _received = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter> _calls = new(StringComparer.Ordinal);
    private readonly Lock _observing = new();
    private long _local;

    public BenchCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is SentSize or ReceivedSize or SentLocal or GrainCall)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((instrument, _, tags, _) =>
        {
            var counters = instrument.Name == SentSize ? _sent : instrument.Name == ReceivedSize ? _received : null;
            if (counters is not null)
            {
                Increment(counters, Tag(tags, "ConnectionDirection"));
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            if (instrument.Name == GrainCall)
            {
                Increment(_calls, Tag(tags, "method"));
            }
        });

        // The observable counter reports its running total when asked (RecordObservableInstruments).
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == SentLocal)
            {
                _local += value;
            }
        });
        _listener.Start();
    }

    public SiloCounters Snapshot()
    {
        long local;
        lock (_observing)
        {
            _local = 0;
            _listener.RecordObservableInstruments();
            local = _local;
        }

        return new SiloCounters(Read(_sent), Read(_received), local, Read(_calls));
    }

    public void Dispose() => _listener.Dispose();

    private static void Increment(ConcurrentDictionary<string, Counter> counters, string key) =>
        Interlocked.Increment(ref counters.GetOrAdd(key, static _ => new Counter()).Value);

    private static Dictionary<string, long> Read(ConcurrentDictionary<string, Counter> counters) =>
        counters.ToDictionary(kv => kv.Key, kv => Interlocked.Read(ref kv.Value.Value), StringComparer.Ordinal);

    private static string Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString() ?? "";
            }
        }

        return "";
    }

    private sealed class Counter
    {
        public long Value;
    }
}
