using Orleans.Sente.Bench.Processes;
using Orleans.Sente.Bench.Scenarios;

namespace Orleans.Sente.Bench.Systems;

/// <summary>What a system needs to start: the built DLLs, a bounded wait for ready lines, and the scenario's shape.</summary>
internal sealed class SystemContext(BenchLayout layout, TimeSpan readyTimeout)
{
    public BenchLayout Layout { get; } = layout;

    /// <summary>How long one process may take to print its ready line (the machine is shared; be generous).</summary>
    public TimeSpan ReadyTimeout { get; } = readyTimeout;

    /// <summary>Clients the scenario will connect, so a system can size itself (front ends per open-files limit).</summary>
    public int Clients { get; private init; }

    /// <summary>The scenario about to run (group, producer, silos and front ends, counters); null outside a run.</summary>
    public ScenarioSpec? Spec { get; private init; }

    public SystemContext For(ScenarioSpec spec) => new(Layout, ReadyTimeout) { Clients = spec.TotalClients, Spec = spec };

    /// <summary>Starts <c>dotnet &lt;dll&gt; args</c> and waits for <paramref name="readyLine"/>.</summary>
    public async Task<ManagedProcess> StartDotnetAsync(
        string role, string dll, IEnumerable<string> args, string readyLine, CancellationToken ct)
    {
        var process = ManagedProcess.Start(role, isSystem: true, Layout.DotnetHost, args.Prepend(dll));
        try
        {
            await process.WaitForLineAsync(l => l.Contains(readyLine, StringComparison.Ordinal), ReadyTimeout, ct);
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public static string HttpUrl(int port) => $"http://127.0.0.1:{port}";
}
