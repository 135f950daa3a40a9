using System.Globalization;

namespace Orleans.Sente.Bench.LoadGen;

/// <summary>
/// The receiver's <c>READY</c> line: how many clients connected, and how long connecting took,
/// <c>READY connected=N failed=M spanMs=S p50Ms=A p99Ms=B maxMs=C</c>. The span runs from the
/// first connect started to the last one completed (with <c>--await-handshake</c>, to the last
/// handshake received); the percentiles are of each client's own connect time.
/// </summary>
internal sealed record ConnectReport(int Connected, int Failed, double SpanMs, double P50Ms, double P99Ms, double MaxMs)
{
    public static string ReadyLine(int connected, int failed, TimeSpan span, HistogramSnapshot times) =>
        string.Create(CultureInfo.InvariantCulture,
            $"READY connected={connected} failed={failed} spanMs={span.TotalMilliseconds:0.0} p50Ms={times.ValueAtQuantile(0.5) / 1000.0:0.0} p99Ms={times.ValueAtQuantile(0.99) / 1000.0:0.0} maxMs={times.Max / 1000.0:0.0}");

    /// <summary>Reads a <c>READY</c> line; fields it lacks are 0.</summary>
    public static ConnectReport Parse(string readyLine)
    {
        var fields = readyLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        double D(string key) => fields.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : 0;
        return new ConnectReport((int)D("connected"), (int)D("failed"), D("spanMs"), D("p50Ms"), D("p99Ms"), D("maxMs"));
    }
}
