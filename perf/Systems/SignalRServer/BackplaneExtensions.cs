using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Orleans.Sente.Bench.Systems.SignalR;

internal static class BackplaneExtensions
{
    /// <summary>Adds the Redis backplane when a Redis endpoint is configured; none otherwise.</summary>
    public static ISignalRServerBuilder AddBenchBackplane(this ISignalRServerBuilder builder, string? redis) =>
        string.IsNullOrEmpty(redis) ? builder : builder.AddStackExchangeRedis(redis);
}
