namespace Orleans.Sente;

/// <summary>
/// The names under which Orleans.Sente reports: add them to an OpenTelemetry tracer and meter
/// (<c>AddSource(SenteTelemetry.ActivitySourceName)</c>, <c>AddMeter(SenteTelemetry.MeterName)</c>).
/// </summary>
/// <remarks>
/// Spans of the source, one trace per push:
/// <list type="bullet">
/// <item><c>sente.push</c> (silo): a push accepted by a user grain, a client grain or the registry (broadcast);</item>
/// <item><c>sente.fanout</c> (silo): that push on its way to one front end, until the message carrying it is sent;</item>
/// <item><c>sente.deliver</c> (front end): the push arriving at the front end, with its connections;</item>
/// <item><c>sente.send</c> (front end): the push handed to one connection's socket (written at once when flushed,
/// else with the connection's batch window);</item>
/// <item><c>sente.connect</c>, <c>sente.handshake</c>, <c>sente.handle</c> (front end): a connection until its
/// user grain knows its route, the handshake, one event handler.</item>
/// </list>
/// The trace context rides on the grain calls (Orleans' activity propagation, plus a filter that
/// carries <c>Activity.Current</c> on calls to Orleans.Sente's grains) and inside each delivery to a
/// front end, since one message to a front end carries the pushes of many traces.
/// </remarks>
public static class SenteTelemetry
{
    /// <summary>The <c>ActivitySource</c> of Orleans.Sente's spans.</summary>
    public const string ActivitySourceName = "Orleans.Sente";

    /// <summary>The meter of Orleans.Sente's instruments, on silos and front ends alike.</summary>
    public const string MeterName = "Orleans.Sente";

    /// <summary>The request-context key of the W3C trace context (as Orleans' activity propagation names it).</summary>
    public const string TraceParentKey = "traceparent";

    /// <summary>The request-context key of the W3C trace state.</summary>
    public const string TraceStateKey = "tracestate";
}
