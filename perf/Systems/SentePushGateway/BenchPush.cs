using System.Globalization;
using System.Net;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Bench.Systems.Sente;

/// <summary>The push path under test: <c>GetUserGrain(uid).PushAsync</c>, the payload as an EDN map.</summary>
internal static class BenchPush
{
    public const string EventId = "bench/push";

    public static IPEndPoint[] Gateways(string? ports) =>
        [.. (ports ?? throw new InvalidOperationException("--gateways is required (comma-separated ports)."))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => new IPEndPoint(IPAddress.Loopback, int.Parse(p, CultureInfo.InvariantCulture)))];

    /// <summary>
    /// The driver's JSON object is read once into an EDN map with keyword keys, which the
    /// receivers' JSON packer writes back as the same object (<c>{"t":…,"n":…,"p":"…"}</c>).
    /// </summary>
    public static PushToUserAsync Create(IServiceProvider services, bool flush)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var options = flush ? PushOptions.Flushed : null;
        return (uid, payload) => grains.GetUserGrain(uid)
            .PushAsync(SenteEvent.Create(EventId, JsonPacker.Instance.Unpack(payload.Span)), options);
    }
}
