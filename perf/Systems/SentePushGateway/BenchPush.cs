using System.Globalization;
using System.Net;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Bench.Systems.Sente;

/// <summary>
/// The push paths under test: <c>GetUserGrain(uid).PushAsync</c> (the default),
/// <c>GetGroupGrain(name).PushAsync</c> (<c>--push-to group</c>), or batches handed to a producer
/// grain in the silos (<c>--producer grain</c>); the payload as an EDN map.
/// </summary>
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
    public static SenteEvent Event(ReadOnlyMemory<byte> payload) =>
        SenteEvent.Create(EventId, JsonPacker.Instance.Unpack(payload.Span));

    public static PushToUserAsync Create(IServiceProvider services, IConfiguration configuration)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var options = configuration.GetValue("flush", false) ? PushOptions.Flushed : null;
        if (configuration["push-to"] == "group")
        {
            return async (group, payload) =>
            {
                // A group without members would push nothing: a misconfigured run must not pass for one.
                if ((await grains.GetGroupGrain(group).PushAsync(Event(payload), options)).NoMembers)
                {
                    throw new InvalidOperationException($"Group '{group}' has no members.");
                }
            };
        }

        if (configuration["producer"] == "grain")
        {
            return services.GetRequiredService<ProducerBatcher>().PushAsync;
        }

        return (uid, payload) => grains.GetUserGrain(uid).PushAsync(Event(payload), options);
    }
}
