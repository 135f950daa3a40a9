using System.Globalization;
using Orleans.Sente.Bench.Processes;

namespace Orleans.Sente.Bench.Systems;

/// <summary>
/// ASP.NET Core SignalR: one server without a backplane, or <paramref name="servers"/> servers
/// sharing a Redis backplane. Pushes enter at server A (<c>Clients.User(uid).SendAsync</c>; in a
/// group scenario <c>Clients.Group(name).SendAsync</c>, every client having joined the group with
/// <c>Groups.AddToGroupAsync</c> as it connected).
/// </summary>
internal sealed class SignalRSystem(int servers, bool redis) : ISystemUnderTest
{
    private const string ServerProject = "perf/Systems/SignalRServer";
    private const string ServerAssembly = "Orleans.Sente.Bench.SignalRServer";

    public static SignalRSystem Single { get; } = new(1, redis: false);

    public static SignalRSystem WithRedis { get; } = new(2, redis: true);

    public string Name => redis ? "signalr-redis" : "signalr";

    public string Description => redis
        ? $"ASP.NET Core SignalR, {servers} servers + Redis backplane"
        : "ASP.NET Core SignalR, 1 server, no backplane";

    public string ClientProtocol => "signalr-json";

    public bool SupportsKill => servers > 1;

    public async Task<SystemDeployment> StartAsync(SystemContext context, CancellationToken ct)
    {
        var processes = new List<ManagedProcess>();
        try
        {
            var extra = new List<string>();
            if (redis)
            {
                var (redisProcess, redisPort) = await RedisServer.StartAsync(context, ct);
                processes.Add(redisProcess);
                extra.AddRange(["--redis", $"127.0.0.1:{redisPort}"]);
            }

            // A group scenario: every client joins the group as it connects, and pushes go to the group.
            var group = context.Spec?.Group;
            if (group is not null)
            {
                extra.AddRange(["--push-to", "group"]);
            }

            var dll = context.Layout.Dll(ServerProject, ServerAssembly);
            var ports = Enumerable.Range(0, servers).Select(_ => FreePorts.Next()).ToArray();
            var started = await Task.WhenAll(ports.Select((port, i) => context.StartDotnetAsync(
                "server " + (char)('A' + i), dll, ["--urls", SystemContext.HttpUrl(port), .. extra], "READY", ct)));
            processes.AddRange(started);
            return new SystemDeployment(
                processes,
                ports.Select(p => $"ws://127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}/hub?uid={{uid}}" +
                    (group is null ? "" : "&group=" + Uri.EscapeDataString(group))).ToArray(),
                new Uri($"ws://127.0.0.1:{ports[0]}/bench/push"),
                servers > 1 ? started[^1] : null);
        }
        catch
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            throw;
        }
    }
}
