using System.Diagnostics.Metrics;

namespace Orleans.Sente.AspNetCore;

/// <summary>The front end's metrics (meter <c>Orleans.Sente</c>).</summary>
internal sealed class SenteMetrics : IDisposable
{
    public const string MeterName = "Orleans.Sente";
    private readonly Meter _meter;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _frames;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _received;
    private readonly Counter<long> _rejected;
    private readonly UpDownCounter<long> _connections;
    private long _queuedBytes;

    public SenteMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _deliveries = _meter.CreateCounter<long>("sente.deliveries", "{event}", "Pushed events written to clients");
        _frames = _meter.CreateCounter<long>("sente.frames.sent", "{frame}", "Frames written to clients");
        _dropped = _meter.CreateCounter<long>("sente.deliveries.dropped", "{event}", "Pushed events dropped, by reason");
        _received = _meter.CreateCounter<long>("sente.events.received", "{event}", "Client events received");
        _rejected = _meter.CreateCounter<long>("sente.requests.rejected", "{request}", "Requests or frames refused, by reason");
        _connections = _meter.CreateUpDownCounter<long>("sente.connections", "{connection}", "Open connections, by transport");
        _meter.CreateObservableUpDownCounter("sente.send.queued", () => Volatile.Read(ref _queuedBytes), "By", "Bytes waiting to be written to WebSocket clients");
    }

    /// <summary>Bytes waiting to be written to this front end's WebSockets, the frames being written included.</summary>
    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    public void Queued(long bytes) => Interlocked.Add(ref _queuedBytes, bytes);

    public void Delivered(int events) => _deliveries.Add(events);

    public void FrameSent() => _frames.Add(1);

    public void Dropped(string reason, int count = 1) => _dropped.Add(count, new KeyValuePair<string, object?>("reason", reason));

    public void Received() => _received.Add(1);

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Opened(SenteTransport transport) => _connections.Add(1, new KeyValuePair<string, object?>("transport", Name(transport)));

    public void Closed(SenteTransport transport) => _connections.Add(-1, new KeyValuePair<string, object?>("transport", Name(transport)));

    public void Dispose() => _meter.Dispose();

    private static string Name(SenteTransport transport) => transport == SenteTransport.Ajax ? "ajax" : "ws";
}
