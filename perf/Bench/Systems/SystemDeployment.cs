using Orleans.Sente.Bench.Processes;

namespace Orleans.Sente.Bench.Systems;

/// <summary>A running system: its processes (all measured), where clients connect, where pushes go.</summary>
internal sealed class SystemDeployment(
    IReadOnlyList<ManagedProcess> processes,
    IReadOnlyList<string> clientUrlTemplates,
    Uri pushControlUrl,
    ManagedProcess? killTarget) : IAsyncDisposable
{
    /// <summary>Every process of the system (servers, silos, backplanes); CPU and RSS are summed over them.</summary>
    public IReadOnlyList<ManagedProcess> Processes { get; } = processes;

    /// <summary>One per front end, e.g. <c>ws://127.0.0.1:5000/hub?uid={uid}</c>.</summary>
    public IReadOnlyList<string> ClientUrlTemplates { get; } = clientUrlTemplates;

    public Uri PushControlUrl { get; } = pushControlUrl;

    /// <summary>The process scenario S5 kills under load; null when the system has none to lose.</summary>
    public ManagedProcess? KillTarget { get; } = killTarget;

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Processes.Select(p => p.DisposeAsync().AsTask()));
    }
}
