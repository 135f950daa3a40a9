using Orleans.Sente.Bench.Processes;

namespace Orleans.Sente.Bench.Systems;

/// <summary>A running system: its processes (all measured), where clients connect, where pushes go.</summary>
internal sealed class SystemDeployment(
    IReadOnlyList<ManagedProcess> processes,
    IReadOnlyList<string> clientUrlTemplates,
    Uri pushControlUrl,
    ManagedProcess? killTarget,
    IReadOnlyList<Uri>? counterUrls = null,
    Uri? groupSetupUrl = null) : IAsyncDisposable
{
    /// <summary>Every process of the system (servers, silos, backplanes); CPU and RSS are summed over them.</summary>
    public IReadOnlyList<ManagedProcess> Processes { get; } = processes;

    /// <summary>One per front end, e.g. <c>ws://127.0.0.1:5000/hub?uid={uid}</c>.</summary>
    public IReadOnlyList<string> ClientUrlTemplates { get; } = clientUrlTemplates;

    public Uri PushControlUrl { get; } = pushControlUrl;

    /// <summary>The process scenario S5 kills under load; null when the system has none to lose.</summary>
    public ManagedProcess? KillTarget { get; } = killTarget;

    /// <summary>One <c>GET</c> URL per silo answering <c>SiloCounters</c>; empty when nothing is counted.</summary>
    public IReadOnlyList<Uri> CounterUrls { get; } = counterUrls ?? [];

    /// <summary>
    /// Where the harness makes every user a member of the scenario's group before the warm-up
    /// (<c>POST</c>); null when the clients join as they connect (SignalR) or there is no group.
    /// </summary>
    public Uri? GroupSetupUrl { get; } = groupSetupUrl;

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Processes.Select(p => p.DisposeAsync().AsTask()));
    }
}
