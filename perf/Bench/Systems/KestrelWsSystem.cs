using Orleans.Sente.Bench.Processes;

namespace Orleans.Sente.Bench.Systems;

/// <summary>The transport ceiling: Kestrel writing each push straight into the user's raw WebSockets.</summary>
internal sealed class KestrelWsSystem : ISystemUnderTest
{
    public static KestrelWsSystem Instance { get; } = new();

    public string Name => "kestrel-ws";

    public string Description => "bare Kestrel WebSocket writer, 1 server (transport ceiling)";

    public string ClientProtocol => "raw";

    public bool SupportsKill => false;

    public async Task<SystemDeployment> StartAsync(SystemContext context, CancellationToken ct)
    {
        var port = FreePorts.Next();
        var dll = context.Layout.Dll("perf/Systems/KestrelWsServer", "Orleans.Sente.Bench.KestrelWsServer");
        var server = await context.StartDotnetAsync("server A", dll, ["--urls", SystemContext.HttpUrl(port)], "READY", ct);
        return new SystemDeployment([server], [$"ws://127.0.0.1:{port}/ws?uid={{uid}}"], new Uri($"ws://127.0.0.1:{port}/bench/push"), null);
    }
}
